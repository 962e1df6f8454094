package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
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
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Human signal latency (BRIEF §11: approve reaches a waiting continuation within 2 s). {@code
 * continuations} continuations wait on an {@code approve} signal in a real embedded runtime; all
 * are then approved at once through {@code ContinuationService.signal} (the path the HTTP API
 * takes), and each latency runs from the send to the {@code wake} event appended (the tick holds
 * the lease and has started) and to the {@code complete} event appended (the step finished).
 */
public final class SignalBenchmark implements Benchmark {

  /** Waits for {@code approve}; completes when approved. */
  static final class AwaitApprovalRecipe implements Recipe {
    static final String NAME = "bench-await-approval";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      if (context.wake().kind() == WakeKind.SIGNAL) {
        return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
      }
      return new StepResult.Sleep(
          new WakeCondition.Signal(Set.of("approve")), "awaiting approval", null);
    }
  }

  @Override
  public String name() {
    return "signal";
  }

  @Override
  public String description() {
    return "approve signal latency, 200 waiting continuations approved at once: send -> wake"
        + " event and -> step finished, p50/p99 (target p99 < 2 s)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int count = Stats.intParam(params, "continuations", 200);
    int workers = Stats.intParam(params, "workers", LocalConfig.DEFAULT_WORKERS);
    Map<ContinuationId, Long> sentAt = new ConcurrentHashMap<>();
    Histogram toWake = Stats.histogram();
    Histogram toFinished = Stats.histogram();
    var woken = new CountDownLatch(count);
    var finished = new CountDownLatch(count);
    long[] lastWakeNanos = {0};
    Observability probe =
        Observability.onAppended(
            event -> {
              long now = System.nanoTime();
              Long sent = sentAt.get(event.continuationId());
              if (sent == null) return;
              if (event.payload() instanceof EventPayload.Woken w && w.kind() == WakeKind.SIGNAL) {
                synchronized (toWake) {
                  toWake.recordValue(Math.max(0, now - sent));
                  lastWakeNanos[0] = Math.max(lastWakeNanos[0], now);
                }
                woken.countDown();
              } else if (event.payload() instanceof EventPayload.Completed) {
                synchronized (toFinished) {
                  toFinished.recordValue(Math.max(0, now - sent));
                }
                finished.countDown();
              }
            });
    var config = LocalConfig.defaults(workDir).withWorkers(workers);
    try (LocalRuntime runtime =
        LocalRuntime.start(
            config, probe, Recipes.of(new NoopRecipe(), new AwaitApprovalRecipe()))) {
      var caller = new Principal(TenantId.of("bench"), "bench", Set.of());
      progress.printf("signal: starting %,d continuations that await approval...%n", count);
      var ids = new ArrayList<ContinuationId>();
      for (int i = 0; i < count; i++) {
        var goal =
            GoalFrame.of(
                "signal benchmark",
                BudgetLimits.ofUsd(BigDecimal.ONE, 0),
                AwaitApprovalRecipe.NAME,
                JsonNodeFactory.instance.objectNode());
        ids.add(runtime.service().create(caller, goal, null).continuation().id());
      }
      awaitAllWaiting(runtime, caller, ids);
      progress.printf("signal: approving all %,d at once...%n", count);
      long start = System.nanoTime();
      for (ContinuationId id : ids) {
        sentAt.put(id, System.nanoTime());
        runtime
            .service()
            .signal(caller, id, "approve", JsonNodeFactory.instance.objectNode(), null);
      }
      long sendEnd = System.nanoTime();
      if (!woken.await(2, TimeUnit.MINUTES) || !finished.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(woken.getCount() + " signals not applied within 2 minutes");
      }
      double seconds = (lastWakeNanos[0] - start) / 1e9;
      var out = new LinkedHashMap<String, Object>();
      out.put("continuations", count);
      out.put("workers", workers);
      out.put("send_to_wake", Stats.millis(toWake));
      out.put("send_to_step_finished", Stats.millis(toFinished));
      out.put("send_seconds", Stats.round((sendEnd - start) / 1e9));
      out.put("throughput_signals_per_s", Stats.round(count / seconds));
      out.put(
          "measured",
          "ContinuationService.signal call -> wake event appended / complete event appended");
      out.put("target_p99_ms", 2000);
      out.put("machine", Stats.machine());
      return out;
    }
  }

  static void awaitAllWaiting(LocalRuntime runtime, Principal caller, List<ContinuationId> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    for (ContinuationId id : ids) {
      while (runtime.service().get(caller, id).continuation().status() != Status.WAITING) {
        if (System.nanoTime() > deadline)
          throw new IllegalStateException(id + " did not start waiting within 2 minutes");
        Thread.sleep(5);
      }
    }
  }
}
