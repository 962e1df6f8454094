package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventType;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.Recipes;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Whole lifecycles on the embedded runtime: create -> tick -> sleep -> wake -> complete, through
 * the continuation service, the timer dispatcher and the tick engine, with a zero-length sleep so
 * the figure is the runtime's own cost. Reports lifecycles per second and create-to-complete
 * latency.
 */
public final class LifecycleBenchmark implements Benchmark {

  private static void record(Histogram latency, CountDownLatch done, long t0) {
    synchronized (latency) {
      latency.recordValue(System.nanoTime() - t0);
    }
    done.countDown();
  }

  @Override
  public String name() {
    return "lifecycle";
  }

  @Override
  public String description() {
    return "create -> tick -> sleep -> wake -> complete on the embedded runtime: lifecycles/s and p50/p99";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int count = Stats.intParam(params, "continuations", 2_000);
    int workers = Stats.intParam(params, "workers", LocalConfig.DEFAULT_WORKERS);
    int creators = Stats.intParam(params, "creators", 8);
    Set<String> completedEarly = ConcurrentHashMap.newKeySet();
    var created = new ConcurrentHashMap<String, Long>();
    var done = new CountDownLatch(count);
    Histogram latency = Stats.histogram();
    Observability probe =
        Observability.onAppended(
            event -> {
              if (event.type() == EventType.COMPLETE) {
                String id = event.continuationId().value();
                Long t0;
                synchronized (completedEarly) {
                  t0 = created.get(id);
                  if (t0 == null) completedEarly.add(id);
                }
                if (t0 != null) record(latency, done, t0);
              }
            });
    var config = LocalConfig.defaults(workDir).withWorkers(workers);
    try (LocalRuntime runtime = LocalRuntime.start(config, probe, Recipes.builtIn())) {
      var caller = new Principal(TenantId.of("bench"), "bench", Set.of());
      var goal =
          GoalFrame.of(
              "lifecycle benchmark",
              BudgetLimits.ofUsd(BigDecimal.ONE, 0),
              "noop",
              JsonNodeFactory.instance.objectNode().put("sleep", "PT0S"));
      progress.printf(
          "lifecycle: running %,d continuations end to end with %d workers...%n", count, workers);
      long start = System.nanoTime();
      var remaining = new java.util.concurrent.atomic.AtomicInteger(count);
      var callers = java.util.concurrent.Executors.newFixedThreadPool(creators);
      try {
        var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
        for (int c = 0; c < creators; c++) {
          futures.add(
              callers.submit(
                  () -> {
                    while (remaining.getAndDecrement() > 0) {
                      long t0 = System.nanoTime();
                      String id =
                          runtime.service().create(caller, goal, null).continuation().id().value();
                      // A fast lifecycle can complete before its id is recorded here.
                      boolean early;
                      synchronized (completedEarly) {
                        created.put(id, t0);
                        early = completedEarly.remove(id);
                      }
                      if (early) record(latency, done, t0);
                    }
                    return null;
                  }));
        }
        for (var f : futures) f.get();
      } finally {
        callers.shutdownNow();
      }
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            done.getCount() + " continuations did not complete in 10 minutes");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      var out = new LinkedHashMap<String, Object>();
      out.put("continuations", count);
      out.put("workers", workers);
      out.put("creators", creators);
      out.put("seconds", Stats.round(seconds));
      out.put("lifecycles_per_second", Stats.round(count / seconds));
      out.put("events_per_lifecycle", 5);
      out.put("create_to_complete", Stats.millis(latency));
      out.put("machine", Stats.machine());
      return out;
    }
  }
}
