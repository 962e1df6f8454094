package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Durable event appends to the embedded SQLite store (BRIEF §13: >= 20,000 events/s on 2 cores).
 * {@code writers} threads each own {@code continuations / writers} continuations and append one
 * sealed, hash-chained event per call, as ticks do; every append is committed (group commit) before
 * it returns.
 */
public final class AppendBenchmark implements Benchmark {

  @Override
  public String name() {
    return "append";
  }

  @Override
  public String description() {
    return "durable single-event appends to the embedded store: events/s and p50/p99 latency (target >= 20,000/s)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int events = Stats.intParam(params, "events", 200_000);
    int writers = Stats.intParam(params, "writers", 64);
    int warmup = Stats.intParam(params, "warmup", 20_000);
    TenantId tenant = TenantId.of("bench");
    try (SqliteSubstrate store = SqliteSubstrate.open(workDir.resolve("append.db"))) {
      EventLog log = store.substrate().events();
      List<Chain> chains = new ArrayList<>();
      var random = new SplittableRandom(42);
      for (int i = 0; i < writers; i++) {
        chains.add(Chain.create(store, tenant, random));
      }
      progress.printf("append: warming up (%,d events)...%n", warmup);
      runPhase(log, chains, warmup, null);
      progress.printf(
          "append: measuring %,d events from %d concurrent writers...%n", events, writers);
      Histogram latency = Stats.histogram();
      long start = System.nanoTime();
      runPhase(log, chains, events, latency);
      double seconds = (System.nanoTime() - start) / 1e9;
      var out = new LinkedHashMap<String, Object>();
      out.put("events", events);
      out.put("writers", writers);
      out.put("seconds", Stats.round(seconds));
      out.put("events_per_second", Math.round(events / seconds));
      out.put("latency", Stats.millis(latency));
      out.put("target_events_per_second", 20_000);
      out.put("durable", "WAL, committed before the call returns");
      out.put("machine", Stats.machine());
      return out;
    }
  }

  private static void runPhase(EventLog log, List<Chain> chains, int total, Histogram latency)
      throws Exception {
    AtomicLong remaining = new AtomicLong(total);
    ExecutorService pool = Executors.newFixedThreadPool(chains.size());
    try {
      var futures = new ArrayList<Future<?>>();
      for (Chain chain : chains) {
        futures.add(
            pool.submit(
                () -> {
                  while (remaining.getAndDecrement() > 0) {
                    EventEnvelope next = chain.next();
                    long t0 = System.nanoTime();
                    log.append(chain.tenant, chain.id, 0, List.of(next));
                    long took = System.nanoTime() - t0;
                    if (latency != null) {
                      synchronized (latency) {
                        latency.recordValue(took);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
  }

  /** One continuation's log, extended one event at a time by one thread. */
  private static final class Chain {
    final TenantId tenant;
    final ContinuationId id;
    long sequence;
    String lastHash;

    private Chain(TenantId tenant, ContinuationId id, long sequence, String lastHash) {
      this.tenant = tenant;
      this.id = id;
      this.sequence = sequence;
      this.lastHash = lastHash;
    }

    static Chain create(SqliteSubstrate store, TenantId tenant, SplittableRandom random) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      ContinuationId id = ContinuationId.newId(now, random);
      var goal =
          GoalFrame.of("append benchmark", BudgetLimits.ofUsd(BigDecimal.ONE, 0), null, null);
      var spawn =
          new EventPayload.Spawn(
              goal,
              Lineage.root(id),
              JsonNodeFactory.instance.objectNode(),
              new WakeCondition.Timer("start", now));
      EventEnvelope first =
          EventEnvelope.seal(
              id,
              tenant,
              0,
              1,
              now,
              "0".repeat(32),
              "0".repeat(16),
              Runtime.MAESTRO,
              spawn,
              EventEnvelope.GENESIS);
      Continuation initial = ContinuationFold.fold(List.of(first));
      store.substrate().continuations().create(initial, first);
      return new Chain(tenant, id, 1, first.hash());
    }

    EventEnvelope next() {
      var payload =
          new EventPayload.ToolCall(
              "call-" + (sequence + 1),
              "bench.noop",
              JsonNodeFactory.instance.objectNode().put("n", sequence + 1),
              JsonNodeFactory.instance.objectNode(),
              true);
      EventEnvelope e =
          EventEnvelope.seal(
              id,
              tenant,
              0,
              ++sequence,
              Instant.now().truncatedTo(ChronoUnit.MICROS),
              "0".repeat(32),
              "0".repeat(16),
              Runtime.MAESTRO,
              payload,
              lastHash);
      lastHash = e.hash();
      return e;
    }
  }
}
