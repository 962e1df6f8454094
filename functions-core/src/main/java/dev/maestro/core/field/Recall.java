package dev.maestro.core.field;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stage-1 recall (BRIEF §10): asks every channel in parallel, on the supplied executor, for {@link
 * FieldQuery#kPerChannel()} candidates; merges the answers; and caps the result.
 *
 * <p><b>Timeouts and failures.</b> Every channel gets the same deadline, counted from when recall
 * starts. A channel that has not answered by then is interrupted and reported {@code timed_out}
 * with the milliseconds it had run; one that throws is reported {@code failed} with the message.
 * Neither affects the others' answers, and neither throws out of {@link #recall(FieldQuery)}.
 *
 * <p><b>Merge.</b> The answers are interleaved round-robin by rank, in the order the channels were
 * given (every channel's first candidate, then every second, …), so the result does not depend on
 * which channel finished first. A candidate proposed twice (same id) is merged into its first
 * occurrence ({@link FieldCandidate#mergedWith}: best score per feature, every provenance). The
 * first {@code maxCandidates} distinct candidates are kept; the rest are returned as over the cap.
 *
 * <p>The executor should have a thread per channel; with fewer, queued channels eat into their own
 * deadline. Elapsed times come from {@link System#nanoTime()} and are reported, never decided on
 * beyond the deadline itself.
 */
public final class Recall {

  /** The default cap on merged candidates: the top of BRIEF §10's 200–500 range. */
  public static final int DEFAULT_MAX_CANDIDATES = 500;

  private final List<RecallChannel> channels;
  private final Executor executor;
  private final Duration timeout;
  private final int maxCandidates;

  /**
   * A recall over {@code channels} (distinct names), each cut off after {@code timeout}, keeping at
   * most {@code maxCandidates} candidates.
   */
  public Recall(
      List<RecallChannel> channels, Executor executor, Duration timeout, int maxCandidates) {
    this.channels = List.copyOf(channels);
    this.executor = Objects.requireNonNull(executor, "executor");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxCandidates < 1) throw new IllegalArgumentException("maxCandidates must be >= 1");
    this.maxCandidates = maxCandidates;
    var names = new HashSet<String>();
    for (RecallChannel c : this.channels) {
      if (!names.add(c.name())) throw new IllegalArgumentException("duplicate channel " + c.name());
    }
  }

  /** A recall with the default cap. */
  public Recall(List<RecallChannel> channels, Executor executor, Duration timeout) {
    this(channels, executor, timeout, DEFAULT_MAX_CANDIDATES);
  }

  /** Asks every channel, waits at most the timeout, and merges what came back. */
  public RecallResult recall(FieldQuery query) {
    Objects.requireNonNull(query, "query");
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    var tasks = new ArrayList<Running>(channels.size());
    for (RecallChannel channel : channels) {
      var task = new FutureTask<>(() -> ask(channel, query));
      Running running = new Running(channel, task);
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        running.rejected = e;
      }
      tasks.add(running);
    }
    var reports = new ArrayList<ChannelReport>(channels.size());
    var answers = new ArrayList<List<FieldCandidate>>(channels.size());
    for (Running r : tasks) {
      ChannelReport report = await(r, start, deadline);
      reports.add(report);
      answers.add(report.answered() ? r.answer : List.of());
    }
    return merge(answers, reports);
  }

  private static Answer ask(RecallChannel channel, FieldQuery query) {
    long t0 = System.nanoTime();
    List<FieldCandidate> got = channel.recall(query, query.kPerChannel());
    if (got == null) throw new IllegalStateException("channel returned null");
    List<FieldCandidate> list =
        got.size() > query.kPerChannel() ? got.subList(0, query.kPerChannel()) : got;
    for (FieldCandidate c : list) Objects.requireNonNull(c, "channel returned a null candidate");
    return new Answer(List.copyOf(list), millisSince(t0));
  }

  private ChannelReport await(Running r, long start, long deadline) {
    RecallChannel c = r.channel;
    if (r.rejected != null) {
      return new ChannelReport(
          c.name(), c.kind(), ChannelReport.Outcome.FAILED, 0, 0, "rejected: " + r.rejected);
    }
    try {
      Answer a = r.task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      r.answer = a.candidates();
      return new ChannelReport(
          c.name(), c.kind(), ChannelReport.Outcome.ANSWERED, a.candidates().size(), a.ms(), null);
    } catch (TimeoutException e) {
      r.task.cancel(true);
      return new ChannelReport(
          c.name(), c.kind(), ChannelReport.Outcome.TIMED_OUT, 0, millisSince(start), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
      return new ChannelReport(
          c.name(), c.kind(), ChannelReport.Outcome.FAILED, 0, millisSince(start), message);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.task.cancel(true);
      return new ChannelReport(
          c.name(),
          c.kind(),
          ChannelReport.Outcome.FAILED,
          0,
          millisSince(start),
          "recall was interrupted");
    }
  }

  private RecallResult merge(List<List<FieldCandidate>> answers, List<ChannelReport> reports) {
    Map<String, FieldCandidate> merged = new LinkedHashMap<>();
    int duplicates = 0;
    int longest = answers.stream().mapToInt(List::size).max().orElse(0);
    for (int rank = 0; rank < longest; rank++) {
      for (List<FieldCandidate> answer : answers) {
        if (rank >= answer.size()) continue;
        FieldCandidate c = answer.get(rank);
        FieldCandidate before = merged.get(c.id());
        if (before == null) {
          merged.put(c.id(), c);
        } else {
          merged.put(c.id(), before.mergedWith(c));
          duplicates++;
        }
      }
    }
    List<FieldCandidate> all = new ArrayList<>(merged.values());
    int cut = Math.min(all.size(), maxCandidates);
    return new RecallResult(all.subList(0, cut), all.subList(cut, all.size()), reports, duplicates);
  }

  private static long millisSince(long nanos) {
    return Math.max(0, (System.nanoTime() - nanos) / 1_000_000);
  }

  private record Answer(List<FieldCandidate> candidates, long ms) {}

  private static final class Running {
    final RecallChannel channel;
    final FutureTask<Answer> task;
    RejectedExecutionException rejected;
    List<FieldCandidate> answer = List.of();

    Running(RecallChannel channel, FutureTask<Answer> task) {
      this.channel = channel;
      this.task = task;
    }
  }
}
