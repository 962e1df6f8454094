package dev.maestro.azure.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.azure.durable.ContinuationOrchestrator;
import dev.maestro.azure.durable.OrchestrationInput;
import dev.maestro.azure.durable.TickActivityInput;
import dev.maestro.azure.durable.TickActivityResult;
import dev.maestro.core.json.Json;
import dev.maestro.core.time.JumpingClock;
import dev.maestro.core.wake.Wake;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A local driver of one continuation's orchestration. It is <em>not</em> the Durable Functions
 * runtime and does not run {@link ContinuationOrchestrator} (whose replay is tested through the
 * Durable Task SDK in {@code ContinuationOrchestratorTest}): it plays the same protocol step by
 * step with the real {@code tick} activity, so a continuation can be taken through its life here.
 *
 * <ol>
 *   <li>Deliver the input's pending wakes in order (the start wake recorded by {@link
 *       LocalDurableClient}; the tick engine ignores one already delivered), or, with none, a tick
 *       that only reads the state.
 *   <li>After each tick: ended → stop; "deliver again at T" → wait until T, same wake; waiting for
 *       a timer and/or events → the next wake is the oldest undelivered {@value
 *       ContinuationOrchestrator#WAKE_EVENT} event of the inbox raised before the timer is due (an
 *       event raised during a real wait wins too), else the timer once it is due (really waited
 *       for, or with {@code noWait} the clock jumps to it); waiting for events only and none is in
 *       the inbox → stop: "waiting for a wake event".
 * </ol>
 *
 * <p>Differences from the runtime: no {@code continueAsNew} (there is no history to bound); an
 * activity that throws ends the drive with the error instead of being retried after {@link
 * ContinuationOrchestrator#ACTIVITY_RETRY}; at most {@code maxTicks} ticks per drive. Each step is
 * printed on {@code log}.
 */
public final class LocalOrchestration {

  /** How often a real wait looks for newly raised events. */
  static final Duration POLL = Duration.ofMillis(200);

  private final UnaryOperator<String> tickActivity;
  private final LocalDurableClient durable;
  private final JumpingClock clock;
  private final boolean noWait;
  private final int maxTicks;
  private final PrintStream log;

  /**
   * @param tickActivity the {@code tick} activity over JSON strings (the function's entry point)
   * @param durable the inboxes: the recorded start and raised events
   * @param clock the clock the activity runs on; jumps with {@code noWait}
   * @param noWait whether timers fire at once (the clock jumps) instead of being waited for
   * @param maxTicks the most ticks one drive runs
   * @param log where each step is printed
   */
  public LocalOrchestration(
      UnaryOperator<String> tickActivity,
      LocalDurableClient durable,
      JumpingClock clock,
      boolean noWait,
      int maxTicks,
      PrintStream log) {
    this.tickActivity = Objects.requireNonNull(tickActivity, "tickActivity");
    this.durable = Objects.requireNonNull(durable, "durable");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.noWait = noWait;
    if (maxTicks <= 0) throw new IllegalArgumentException("maxTicks must be positive");
    this.maxTicks = maxTicks;
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * How a drive ended.
   *
   * @param instance the orchestration instance (the continuation id)
   * @param status the continuation's status after the last tick ({@code NOT_FOUND} when absent)
   * @param ended whether the orchestration ended (the continuation did, or does not exist)
   * @param ticks how many ticks ran
   * @param path the steps, in order: {@code tick WAKE}, {@code timer ID}, {@code event SEQ}, ...
   * @param waiting what the orchestration now waits for when it did not end; null when it ended
   * @param last the last tick's result
   */
  public record Summary(
      String instance,
      String status,
      boolean ended,
      int ticks,
      List<String> path,
      String waiting,
      TickActivityResult last) {

    /** As printed: {@code {instance, status, ended, ticks, path, waiting?, last, inbox}}. */
    public ObjectNode toJson(LocalDurableClient durable) {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("instance", instance);
      json.put("status", status);
      json.put("ended", ended);
      json.put("ticks", ticks);
      var steps = json.putArray("path");
      path.forEach(steps::add);
      if (waiting != null) json.put("waiting", waiting);
      if (last != null) json.set("last", Json.toTree(last));
      json.put("inbox", durable.inbox(instance).toString());
      return json;
    }
  }

  /** Drives the orchestration of {@code input} until it ends, waits for an event, or maxTicks. */
  public Summary drive(OrchestrationInput input) {
    String instance = input.continuationId();
    Deque<Wake> pending = new ArrayDeque<>(input.pending());
    List<String> path = new ArrayList<>();
    Wake current = pending.poll();
    TickActivityResult result = null;
    int ticks = 0;
    while (true) {
      if (ticks >= maxTicks) {
        log.println("  stopped after " + ticks + " ticks (--max-ticks)");
        return new Summary(
            instance,
            result.status(),
            false,
            ticks,
            path,
            "stopped after " + ticks + " ticks (--max-ticks); run again to go on",
            result);
      }
      ticks++;
      String step = "tick " + (current == null ? "(state read)" : describe(current));
      path.add(step);
      String in = new TickActivityInput(input.tenant(), instance, current).toJson();
      result = TickActivityResult.fromJson(tickActivity.apply(in));
      log.println("  " + step + ": " + result.status() + " (" + result.note() + ")");
      if (result.terminal()) {
        durable.completed(instance, result.status());
        log.println("  orchestration completed: " + result.status());
        return new Summary(instance, result.status(), true, ticks, path, null, result);
      }
      if (result.retryAt() != null) {
        path.add("retry at " + result.retryAt());
        waitUntil(result.retryAt(), null, null);
        continue;
      }
      if (!pending.isEmpty()) {
        current = pending.poll();
        continue;
      }
      Optional<Wake> next = nextWake(instance, result, path);
      if (next.isEmpty()) {
        log.println("  waiting for a wake event (none is in " + durable.inbox(instance) + ")");
        return new Summary(instance, result.status(), false, ticks, path, "a wake event", result);
      }
      current = next.get();
    }
  }

  /**
   * The wake that comes first for what {@code state} waits for: an undelivered event raised before
   * the timer is due, else the timer; empty when only an event can come and none is recorded.
   */
  private Optional<Wake> nextWake(String instance, TickActivityResult state, List<String> path) {
    TickActivityResult.Timer timer = state.nextTimer();
    while (true) {
      Optional<LocalDurableClient.Entry> event = nextEvent(instance, timer);
      if (event.isEmpty() && timer != null) {
        event = waitUntil(timer.at(), instance, timer);
        if (event.isEmpty()) {
          path.add("timer " + timer.id());
          log.println("  timer " + timer.id() + " fired (due " + timer.at() + ")");
          return Optional.of(Wake.timer(timer.id(), timer.at()));
        }
      }
      if (event.isEmpty()) return Optional.empty();
      LocalDurableClient.Entry e = event.get();
      durable.delivered(instance, e.seq());
      Optional<Wake> wake = parse(e.data());
      if (wake.isPresent()) {
        path.add("event " + e.seq());
        log.println("  wake event " + e.seq() + " (raised " + e.at() + ")");
        return wake;
      }
      log.println("  wake event " + e.seq() + " is not a wake; dropped, as the orchestrator does");
    }
  }

  /** The oldest undelivered wake event raised before {@code timer} is due (any, with none). */
  private Optional<LocalDurableClient.Entry> nextEvent(
      String instance, TickActivityResult.Timer timer) {
    return durable.undelivered(instance).stream()
        .filter(e -> ContinuationOrchestrator.WAKE_EVENT.equals(e.name()))
        .filter(e -> timer == null || e.at().isBefore(timer.at()))
        .findFirst();
  }

  /**
   * Waits until {@code until} (or jumps the clock there with {@code noWait}); when {@code instance}
   * is given, a wake event raised meanwhile ends the wait and is returned.
   */
  private Optional<LocalDurableClient.Entry> waitUntil(
      Instant until, String instance, TickActivityResult.Timer timer) {
    Duration left = Duration.between(clock.instant(), until);
    if (!left.isPositive()) return Optional.empty();
    long seconds = (left.toMillis() + 999) / 1000;
    log.println(
        "  waiting until "
            + until
            + " ("
            + seconds
            + "s)"
            + (noWait ? ": skipped, the clock jumps (--no-wait)" : ""));
    if (noWait) {
      clock.jumpTo(until);
      return Optional.empty();
    }
    try {
      while ((left = Duration.between(clock.instant(), until)).isPositive()) {
        Thread.sleep(Math.max(1, Math.min(left.toMillis(), POLL.toMillis())));
        if (instance != null) {
          Optional<LocalDurableClient.Entry> event = nextEvent(instance, timer);
          if (event.isPresent()) return event;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting until " + until, e);
    }
    return Optional.empty();
  }

  private static String describe(Wake wake) {
    String kind = wake.kind() == null ? "wake" : wake.kind().name().toLowerCase();
    return kind
        + " "
        + wake.id()
        + (wake.channel() != null && !wake.channel().equals(wake.id())
            ? " (" + wake.channel() + ")"
            : "");
  }

  /** A raised event's data as the orchestrator reads it: the wake, or a string holding one. */
  static Optional<Wake> parse(JsonNode data) {
    if (data == null || data.isNull() || data.isMissingNode()) return Optional.empty();
    try {
      return Optional.of(
          data.isTextual() ? Json.read(data.asText(), Wake.class) : Json.convert(data, Wake.class));
    } catch (UncheckedIOException | IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }
}
