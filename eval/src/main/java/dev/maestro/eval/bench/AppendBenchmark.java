package dev.maestro.eval.bench;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.PrintStream;
import java.nio.file.Path;
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
      List<EventChain> chains = new ArrayList<>();
      var random = new SplittableRandom(42);
      for (int i = 0; i < writers; i++) {
        chains.add(EventChain.create(store.substrate().continuations(), tenant, random));
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

  private static void runPhase(EventLog log, List<EventChain> chains, int total, Histogram latency)
      throws Exception {
    AtomicLong remaining = new AtomicLong(total);
    ExecutorService pool = Executors.newFixedThreadPool(chains.size());
    try {
      var futures = new ArrayList<Future<?>>();
      for (EventChain chain : chains) {
        futures.add(
            pool.submit(
                () -> {
                  while (remaining.getAndDecrement() > 0) {
                    EventEnvelope next = chain.next();
                    long t0 = System.nanoTime();
                    log.append(chain.tenant(), chain.id(), 0, List.of(next));
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
}
