package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.wake.WakeKind;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Timer wake lateness (BRIEF §13: p99 < 100 ms locally). {@code timers} continuations each sleep
 * until their own instant, all within one second; lateness is the wake event's timestamp (the tick
 * has its lease and has started) minus the timer's due time.
 */
public final class WakeBenchmark implements Benchmark {

  /** Sleeps until {@code parameters.wakeAt} on the first tick, completes on the second. */
  static final class SleepUntilRecipe implements Recipe {
    static final String NAME = "bench-sleep-until";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      if (context.wake().kind() == WakeKind.TIMER && !"start".equals(context.wake().id())) {
        return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
      }
      Instant at =
          Instant.parse(context.continuation().goalFrame().parameters().path("wakeAt").asText());
      return new StepResult.Sleep(context.timerAt(at), "sleep until " + at, null);
    }
  }

  @Override
  public String name() {
    return "wake";
  }

  @Override
  public String description() {
    return "timer wake lateness with 1,000 timers due within the same second: p50/p99 (target p99 < 100 ms)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int timers = Stats.intParam(params, "timers", 1_000);
    int leadSeconds = Stats.intParam(params, "lead-seconds", 20);
    int workers = Stats.intParam(params, "workers", LocalConfig.DEFAULT_WORKERS);
    var woken = new CountDownLatch(timers);
    Map<String, Instant> dueAt = new java.util.concurrent.ConcurrentHashMap<>();
    Histogram lateness = Stats.histogram();
    List<Long> negative = new ArrayList<>();
    Observability probe =
        Observability.onAppended(
            event -> {
              if (event.payload() instanceof EventPayload.Woken w
                  && w.kind() == WakeKind.TIMER
                  && !"start".equals(w.wakeId())) {
                synchronized (lateness) {
                  Instant due = dueAt.get(event.continuationId().value());
                  long nanos = Duration.between(due, event.timestamp()).toNanos();
                  if (nanos < 0) negative.add(nanos);
                  lateness.recordValue(Math.max(0, nanos));
                }
                woken.countDown();
              }
            });
    var config = LocalConfig.defaults(workDir).withWorkers(workers);
    try (LocalRuntime runtime =
        LocalRuntime.start(config, probe, Recipes.of(new NoopRecipe(), new SleepUntilRecipe()))) {
      var caller = new Principal(TenantId.of("bench"), "bench", Set.of());
      Instant window = Instant.now().plusSeconds(leadSeconds);
      progress.printf("wake: scheduling %,d timers due between %s and +1 s...%n", timers, window);
      var ids = new ArrayList<dev.maestro.core.continuation.ContinuationId>();
      for (int i = 0; i < timers; i++) {
        Instant due = window.plusNanos(1_000_000_000L * i / timers);
        var goal =
            GoalFrame.of(
                "wake benchmark",
                BudgetLimits.ofUsd(BigDecimal.ONE, 0),
                SleepUntilRecipe.NAME,
                JsonNodeFactory.instance.objectNode().put("wakeAt", due.toString()));
        var created = runtime.service().create(caller, goal, null).continuation();
        dueAt.put(created.id().value(), due);
        ids.add(created.id());
      }
      long notAsleep =
          ids.stream()
              .filter(
                  id ->
                      runtime.service().get(caller, id).continuation().status() != Status.SLEEPING)
              .count();
      if (Instant.now().isAfter(window) || notAsleep > 0) {
        progress.printf(
            "wake: warning: setup overran the window (%d not yet asleep); raise -P lead-seconds%n",
            notAsleep);
      }
      if (!woken.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(woken.getCount() + " timers did not fire within 5 minutes");
      }
      var out = new LinkedHashMap<String, Object>();
      out.put("timers", timers);
      out.put("window_seconds", 1);
      out.put("workers", workers);
      out.put("lateness", Stats.millis(lateness));
      out.put("early_fires", negative.size());
      out.put("measured", "wake event timestamp (tick started under lease) minus timer due time");
      out.put("target_p99_ms", 100);
      out.put("machine", Stats.machine());
      return out;
    }
  }
}
