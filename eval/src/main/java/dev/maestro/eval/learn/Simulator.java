package dev.maestro.eval.learn;

import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.time.JumpingClock;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs simulated research continuations ({@link SimulationRecipe}) on the embedded runtime, so that
 * every decision, model call, charge, quality check, fork and completion is written to the real
 * event log of a data directory through the continuation service and the tick engine. The log is
 * what {@link DecisionDataset} reads to train the learned policy.
 */
public final class Simulator {

  /** The tenant simulated continuations run as. */
  public static final TenantId TENANT = TenantId.of("policy-sim");

  /** The default share of steps that run a random allowed tier or branch. */
  public static final double DEFAULT_EXPLORATION = 0.2;

  /**
   * What to simulate.
   *
   * @param dataDir the data directory whose event log is written
   * @param continuations how many continuations to run
   * @param seed the seed every hidden truth and outcome is drawn from
   * @param exploration the share of steps that explore a random allowed tier or branch
   * @param kernel decides each step (the rules, and v1 in shadow when it has a model)
   */
  public record Settings(
      Path dataDir, int continuations, long seed, double exploration, ShadowKernel kernel) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(kernel, "kernel");
      if (continuations < 1) throw new IllegalArgumentException("continuations must be >= 1");
      if (!(exploration >= 0 && exploration <= 1)) {
        throw new IllegalArgumentException("exploration must be between 0 and 1");
      }
    }
  }

  /**
   * What a run wrote.
   *
   * @param continuations continuations created
   * @param completed continuations that completed
   * @param goalsMet completed continuations whose result says the goal was met
   * @param failed continuations that ended otherwise (a failed step)
   * @param decisions {@code decision} events written
   * @param shadowScored decisions the learned policy scored in shadow
   * @param seconds wall-clock time of the run
   */
  public record Summary(
      int continuations,
      int completed,
      int goalsMet,
      int failed,
      int decisions,
      int shadowScored,
      double seconds) {}

  private Simulator() {}

  /** Runs the simulation described by {@code settings}, reporting progress to {@code progress}. */
  public static Summary run(Settings settings, PrintStream progress) throws InterruptedException {
    Function<TenantId, TenantPolicy> policies = TenantPolicy::defaults;
    var recipe = new SimulationRecipe(settings.kernel(), policies, settings.exploration());
    int total = settings.continuations();
    var done = new CountDownLatch(total);
    var completed = new AtomicInteger();
    var goalsMet = new AtomicInteger();
    var failed = new AtomicInteger();
    var decisions = new AtomicInteger();
    var scored = new AtomicInteger();
    Observability probe =
        Observability.onAppended(
            event -> {
              switch (event.payload()) {
                case EventPayload.Decided d -> {
                  decisions.incrementAndGet();
                  if (d.shadow() != null) scored.incrementAndGet();
                }
                case EventPayload.Completed c when c.result().path("subGoal").asBoolean(false) -> {}
                case EventPayload.Completed c -> {
                  completed.incrementAndGet();
                  if (c.result().path("goal_met").asBoolean(false)) goalsMet.incrementAndGet();
                  done.countDown();
                }
                case EventPayload.Failed f when f.fatal() -> {
                  failed.incrementAndGet();
                  done.countDown();
                }
                case EventPayload.Killed k -> done.countDown();
                default -> {}
              }
            });
    // Steps run back to back (their time is simulated inside the recipe); the clock is the one a
    // local run may move forward, so nothing here ever waits on wall-clock time.
    var config =
        new LocalConfig(settings.dataDir(), LocalConfig.DEFAULT_LEASE_TTL, 8, new JumpingClock());
    long start = System.nanoTime();
    try (LocalRuntime runtime = LocalRuntime.start(config, probe, Recipes.of(recipe))) {
      var caller = new Principal(TENANT, "simulator", Set.of());
      progress.printf(
          "simulate: %,d continuations into %s (seed %d, exploration %.0f%%%s)%n",
          total,
          settings.dataDir(),
          settings.seed(),
          settings.exploration() * 100,
          settings.kernel().model() == null ? "" : ", shadow model " + settings.kernel().model());
      for (int i = 0; i < total; i++) {
        long seed = continuationSeed(settings.seed(), i);
        GoalFrame goal =
            GoalFrame.of(
                "simulated research question #" + i,
                SimulationRecipe.budget(seed),
                SimulationRecipe.NAME,
                SimulationRecipe.parameters(seed));
        runtime.service().create(caller, goal, null);
      }
      int step = Math.max(1, total / 10);
      long reported = 0;
      while (!done.await(200, TimeUnit.MILLISECONDS)) {
        long finished = total - done.getCount();
        if (finished / step > reported / step) {
          reported = finished;
          progress.printf(
              "simulate: %,d/%,d continuations finished, %,d decisions (%.1f s)%n",
              finished, total, decisions.get(), (System.nanoTime() - start) / 1e9);
        }
        if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
          throw new IllegalStateException(done.getCount() + " continuations did not finish");
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    var summary =
        new Summary(
            total,
            completed.get(),
            goalsMet.get(),
            failed.get(),
            decisions.get(),
            scored.get(),
            Math.round(seconds * 100) / 100.0);
    progress.printf(
        "simulate: done in %.1f s: %,d decisions, %,d completed (%,d met their goal), %,d failed%n",
        seconds, summary.decisions(), summary.completed(), summary.goalsMet(), summary.failed());
    return summary;
  }

  /** The seed of continuation {@code index} in a run seeded {@code seed}. */
  static long continuationSeed(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
