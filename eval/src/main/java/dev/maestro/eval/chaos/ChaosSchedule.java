package dev.maestro.eval.chaos;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.Claim;
import dev.maestro.core.tick.ClaimResult;
import dev.maestro.core.tick.Persisted;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import dev.maestro.local.store.SqliteBudgetLedger;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One fault schedule: a fresh SQLite data directory, a handful of continuations running the {@link
 * ChaosRecipe}, a few workers (each its own {@link TickEngine} over a {@link CrashingSubstrate},
 * with its own skewed clock), and a driver that fires due wakes from the store's real timer queue
 * the way the local dispatcher does (acknowledge after the tick, re-register on retry), injecting
 * faults chosen by the seed. Once the faults stop and redelivery and reconciliation have drained,
 * every continuation is checked against {@link ChaosInvariants}.
 *
 * <p>The schedule (which faults, where, which worker, what each continuation does) is a function of
 * the seed. Only the interleaving of the threads of a {@code concurrent_workers} fault is not.
 */
final class ChaosSchedule {

  static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
  static final Duration LEASE_TTL = Duration.ofSeconds(10);
  static final Duration RESERVATION_TTL = Duration.ofSeconds(60);
  static final Principal CALLER = new Principal(TenantId.of("chaos"), "chaos-world", Set.of());

  /** Rounds during which faults are injected; after them the schedule drains without faults. */
  static final int FAULT_ROUNDS = 400;

  /** A schedule that has not drained after this many rounds has livelocked (a violation). */
  static final int MAX_ROUNDS = 20_000;

  /** What one schedule did and found. */
  record Report(
      long seed,
      int continuations,
      int workers,
      long ticks,
      long events,
      Map<String, Long> faults,
      Map<String, Long> recoveries,
      List<String> violations) {}

  private final long seed;
  private final SplittableRandom rng;
  private final SimClock clock = new SimClock(START);
  private final SqliteSubstrate store;
  private final Substrate real;
  private final TimerQueue timers;
  private final SqliteBudgetLedger ledger;
  private final ContinuationService service;
  private final List<Tracked> tracked = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final Duration maxSkew;
  private final double faultRate;
  private final Map<String, Long> faults = new TreeMap<>();
  private final Map<String, Long> recoveries = new TreeMap<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Integer> failsPerWake = new HashMap<>();
  private final AtomicLong ticks = new AtomicLong();
  private final boolean crashLoops;
  private boolean faultsOn = true;

  private ChaosSchedule(long seed, Path dir, boolean crashLoops) {
    this.seed = seed;
    this.crashLoops = crashLoops;
    this.rng = new SplittableRandom(seed);
    this.store = SqliteSubstrate.open(dir.resolve("chaos.db"));
    this.real = store.substrate();
    this.timers = store.timers();
    this.ledger = store.budgets(clock, RESERVATION_TTL);
    this.service = new ContinuationService(real, clock, new Random(seed));
    this.maxSkew =
        rng.nextDouble() < 0.3 ? Duration.ZERO : Duration.ofMillis(500 + rng.nextInt(4500));
    this.faultRate = 0.15 + rng.nextDouble() * 0.35;
    int workerCount = 2 + rng.nextInt(3);
    for (int i = 0; i < workerCount; i++) {
      long skewMs =
          maxSkew.isZero() ? 0 : rng.nextLong(-maxSkew.toMillis(), maxSkew.toMillis() + 1);
      workers.add(new Worker(i, Duration.ofMillis(skewMs)));
    }
  }

  /**
   * Runs the schedule of {@code seed} in a fresh directory under {@code parent}, then deletes it.
   */
  static Report run(long seed, Path parent) {
    return run(seed, parent, false);
  }

  /**
   * As {@link #run(long, Path)}; with {@code crashLoops}, one fault in six is a crash loop: a
   * worker dies anywhere in a tick and the next worker to take the wake dies right after taking the
   * lease, before the recovery runs.
   */
  static Report run(long seed, Path parent, boolean crashLoops) {
    Path dir;
    try {
      dir = Files.createTempDirectory(parent, "chaos-" + seed + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      ChaosSchedule schedule = new ChaosSchedule(seed, dir, crashLoops);
      try {
        return schedule.execute();
      } finally {
        schedule.store.close();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private Report execute() {
    int n = 3 + rng.nextInt(6);
    for (int i = 0; i < n; i++) create(i);
    boolean reconciled = false;
    int round = 0;
    while (true) {
      if (++round > MAX_ROUNDS) {
        violation("the schedule did not drain within " + MAX_ROUNDS + " rounds");
        break;
      }
      if (round > FAULT_ROUNDS) faultsOn = false;
      react();
      List<ScheduledWake> due = new ArrayList<>(timers.due(clock.instant(), 64));
      if (due.isEmpty()) {
        Optional<Instant> next = timers.nextDueAt();
        if (next.isPresent()) {
          clock.advanceTo(next.get());
          continue;
        }
        if (!reconciled) {
          // Quiet: faults stop; the recovery sweep repairs what redelivery did not, then drain.
          faultsOn = false;
          reconciled = true;
          reconcileAll(workers.get(0), "final_reconcile");
          continue;
        }
        break;
      }
      if (faultsOn && due.size() > 1 && rng.nextDouble() < 0.3) {
        Collections.shuffle(due, new Random(rng.nextLong()));
        count(faults, "out_of_order_delivery");
      }
      for (ScheduledWake wake : due) deliverOne(wake);
      if (faultsOn) injectReplays();
      if (faultsOn && rng.nextDouble() < 0.03) reconcileAll(pickWorker(null), "reconcile_sweep");
      clock.advance(Duration.ofMillis(50 + rng.nextInt(200)));
    }
    reconcileAll(workers.get(0), null);
    return check();
  }

  // ---------------------------------------------------------------- workload and world

  private void create(int index) {
    WorkloadPlan plan = WorkloadPlan.random(rng);
    var goal =
        GoalFrame.of("chaos workload " + index, plan.limits(), ChaosRecipe.NAME, plan.parameters());
    Continuation c = service.create(CALLER, goal, null).continuation();
    ledger.limitContinuation(c.id(), plan.limits());
    tracked.add(new Tracked(index, new ContinuationRef(c.tenant(), c.id()), plan));
  }

  /**
   * The outside world: a continuation waiting for a stream message gets one, and one waiting for an
   * approval gets it (or, if its plan says so, a kill). Each is sent once; only the substrate's
   * at-least-once delivery may repeat it, so a wake the engine drops is never sent again.
   */
  private void react() {
    for (Tracked t : tracked) {
      if (t.finished) continue;
      Continuation s = current(t.ref);
      if (s.status().isTerminal()) {
        t.finished = true;
        continue;
      }
      if (s.status() != Status.WAITING) continue;
      int steps = s.workingState().path("steps").asInt();
      WakeCondition waiting = s.wakeCondition();
      if (waiting instanceof WakeCondition.Stream && !t.streams.containsKey(steps)) {
        var body = ChaosRecipe.streamPredicate(s).put("step", steps);
        Wake message =
            new Wake(
                "msg-" + t.index + "-" + steps,
                WakeKind.STREAM,
                ChaosRecipe.TOPIC,
                clock.instant(),
                body);
        new SchedulerWakeSink(real.scheduler(), clock).deliver(t.ref, message);
        t.streams.put(steps, message);
      } else if (waiting instanceof WakeCondition.Signal && !t.signals.containsKey(steps)) {
        boolean kill = t.plan.ending() == WorkloadPlan.Ending.KILLED && t.plan.killAfter() == steps;
        String key = "c" + t.index + (kill ? "-kill" : "-s" + steps);
        String kind = kill ? "kill" : "approve";
        var body = JsonNodeFactory.instance.objectNode().put("reason", "chaos " + kind);
        service.signal(CALLER, t.ref.id(), kind, body, key);
        t.signals.put(steps, new SentSignal(kind, key));
      }
    }
  }

  private Continuation current(ContinuationRef ref) {
    return EventLog.catchUp(
        real.events(), real.continuations().find(ref.tenant(), ref.id()).orElseThrow());
  }

  // ---------------------------------------------------------------- delivery and faults

  private enum Mode {
    /** {@link TickEngine#deliver}: the whole tick in one call. */
    DELIVER,
    /** {@link TickEngine#claim}, step, persist, release: the phases of a Step Functions tick. */
    PHASES
  }

  /** What a delivery came to. */
  private record Result(TickOutcome outcome, CrashPoint died, Claim claim, boolean fenced) {}

  private void deliverOne(ScheduledWake wake) {
    Tracked t = tracked(wake.ref());
    if (wake.wake().kind() == WakeKind.TIMER && !"resume".equals(wake.wake().channel()))
      t.timers.add(wake.wake());
    Worker w = pickWorker(null);
    Mode mode = rng.nextBoolean() ? Mode.DELIVER : Mode.PHASES;
    if (!faultsOn || rng.nextDouble() >= faultRate) {
      settle(wake, w, mode, run(wake, w, mode));
      return;
    }
    switch (rng.nextInt(crashLoops ? 6 : 5)) {
      case 0 -> {
        CrashPoint point = CrashPoint.values()[rng.nextInt(CrashPoint.values().length)];
        w.arm.armDeath(point);
        settle(wake, w, mode, run(wake, w, mode));
      }
      case 1 -> leaseExpiry(wake, w, mode, true);
      case 2 -> leaseExpiry(wake, w, mode, false);
      case 3 -> {
        settle(wake, w, mode, run(wake, w, mode));
        Worker again = pickWorker(w);
        ticks.incrementAndGet();
        try {
          again.engine.deliver(wake.ref(), wake.wake());
          count(faults, "duplicate_wake");
        } catch (RuntimeException e) {
          violation("a duplicate delivery of " + wake.wake().id() + " threw " + e);
        }
      }
      case 4 -> concurrent(wake);
      default -> crashLoop(wake, w, mode);
    }
  }

  /** A worker dies anywhere; once its lease lapses, the next one dies right after taking it. */
  private void crashLoop(ScheduledWake wake, Worker first, Mode mode) {
    first.arm.armDeath(CrashPoint.values()[rng.nextInt(CrashPoint.values().length)]);
    Result died = run(wake, first, mode);
    if (died.died() == null) {
      settle(wake, first, mode, died);
      return;
    }
    count(faults, "worker_death_" + died.died().wire());
    first.restart();
    clock.advance(LEASE_TTL.plus(maxSkew.multipliedBy(2)).plusSeconds(1));
    Worker second = pickWorker(first);
    second.arm.armDeath(CrashPoint.AFTER_LEASE);
    Mode again = rng.nextBoolean() ? Mode.DELIVER : Mode.PHASES;
    Result r = run(wake, second, again);
    if (r.died() != null) count(faults, "crash_loop");
    settle(wake, second, again, r);
  }

  /**
   * The clock jumps past the lease TTL (plus the widest skew) inside {@code a}'s step. With {@code
   * takeover}, another worker then delivers the same wake, takes the expired lease and finishes the
   * interrupted tick; {@code a} must then be fenced and write nothing. Without, nobody takes the
   * lapsed lease and {@code a}'s tick must go through.
   */
  private void leaseExpiry(ScheduledWake wake, Worker a, Mode mode, boolean takeover) {
    Duration jump = LEASE_TTL.plus(maxSkew.multipliedBy(2)).plusSeconds(1);
    Worker b = pickWorker(a);
    long[] headAfterTakeover = {-1};
    a.arm.armMidStep(
        () -> {
          clock.advance(jump);
          if (!takeover) return;
          ticks.incrementAndGet();
          try {
            b.engine.deliver(wake.ref(), wake.wake());
          } catch (RuntimeException e) {
            violation("the takeover of " + wake.wake().id() + " threw " + e);
          }
          headAfterTakeover[0] = head(wake.ref());
        });
    Result r = run(wake, a, mode);
    boolean fired = a.arm.midStepRan();
    settle(wake, a, mode, r);
    if (!fired) return;
    if (takeover) {
      count(faults, "lease_expiry_takeover");
      long head = head(wake.ref());
      if (!r.fenced())
        violation(
            "a worker whose lease was taken over mid-step was not fenced (outcome "
                + r.outcome()
                + ", wake "
                + wake.wake().id()
                + ")");
      if (head != headAfterTakeover[0])
        violation(
            "a fenced worker wrote: the log head moved from "
                + headAfterTakeover[0]
                + " to "
                + head
                + " after the takeover of "
                + wake.wake().id());
    } else {
      count(faults, "lease_lapse_no_takeover");
      if (r.fenced())
        violation("a worker whose lease lapsed with no takeover was fenced: " + wake.wake().id());
    }
  }

  /** Two or three workers deliver the same wake at once, each on its own thread. */
  private void concurrent(ScheduledWake wake) {
    int k = Math.min(workers.size(), 2 + rng.nextInt(2));
    var chosen = new ArrayList<>(workers);
    Collections.shuffle(chosen, new Random(rng.nextLong()));
    var threads = new ArrayList<Thread>();
    for (Worker w : chosen.subList(0, k)) {
      Mode mode = rng.nextBoolean() ? Mode.DELIVER : Mode.PHASES;
      threads.add(Thread.ofPlatform().unstarted(() -> settle(wake, w, mode, run(wake, w, mode))));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while joining chaos workers", e);
      }
    }
    count(faults, "concurrent_workers");
  }

  private Result run(ScheduledWake wake, Worker w, Mode mode) {
    ticks.incrementAndGet();
    if (!w.skew.isZero()) count(faults, "clock_skewed_tick");
    return mode == Mode.DELIVER ? runDeliver(wake, w) : runPhases(wake, w);
  }

  private Result runDeliver(ScheduledWake wake, Worker w) {
    try {
      TickOutcome outcome = w.engine.deliver(wake.ref(), wake.wake());
      return new Result(outcome, null, null, outcome instanceof TickOutcome.Fenced);
    } catch (WorkerDeath death) {
      return new Result(null, death.point(), null, false);
    } catch (RuntimeException e) {
      violation("deliver(" + wake.wake().id() + ") threw " + e);
      return new Result(null, null, null, e instanceof FencedException);
    }
  }

  /** The phases as {@code TickPhases} runs them: acquire, step, persist, release (or fail). */
  private Result runPhases(ScheduledWake wake, Worker w) {
    ClaimResult claimed;
    try {
      claimed = w.engine.claim(wake.ref(), wake.wake());
    } catch (WorkerDeath death) {
      return new Result(null, death.point(), null, false);
    } catch (RuntimeException e) {
      violation("claim(" + wake.wake().id() + ") threw " + e);
      return new Result(null, null, null, false);
    }
    if (claimed instanceof ClaimResult.Done done) {
      return new Result(done.outcome(), null, null, done.outcome() instanceof TickOutcome.Fenced);
    }
    Claim claim = ((ClaimResult.Claimed) claimed).claim();
    try {
      TickOutcome stepped = w.engine.step(claim);
      if (stepped instanceof TickOutcome.Fenced) return new Result(stepped, null, claim, true);
      Persisted persisted = w.engine.persist(claim);
      persisted.nextTimer().ifPresent(timers::register);
      w.engine.release(claim);
      if (claim.wake().id().equals(wake.wake().id())) timers.acknowledge(wake);
      if (claim.deferred() != null)
        timers.register(
            new ScheduledWake(
                claim.tenant(), claim.continuationId(), clock.instant(), claim.deferred()));
      return new Result(stepped, null, claim, false);
    } catch (WorkerDeath death) {
      return new Result(null, death.point(), claim, false);
    } catch (FencedException fenced) {
      // The state machine's catch: the error state records nothing under a lost lease.
      failClaim(claim, w, "States.TaskFailed", fenced.getMessage());
      return new Result(null, null, claim, true);
    } catch (RuntimeException e) {
      violation("a phase of " + wake.wake().id() + " threw " + e);
      failClaim(claim, w, "States.TaskFailed", e.toString());
      return new Result(null, null, claim, false);
    }
  }

  /**
   * Acknowledges or re-registers the delivered wake as the local dispatcher does, and recovers a
   * dead worker: by redelivery alone (the wake was never acknowledged), by the state machine's
   * {@code fail} path, or by a reconcile sweep.
   */
  private void settle(ScheduledWake wake, Worker w, Mode mode, Result r) {
    if (r.died() != null) {
      synchronized (this) {
        count(faults, "worker_death_" + r.died().wire());
      }
      w.restart();
      recover(wake, w, r);
      return;
    }
    w.arm.restart();
    if (mode == Mode.PHASES && r.claim() != null) return; // the phases acknowledged themselves
    if (r.outcome() instanceof TickOutcome.Retry retry) {
      timers.register(
          new ScheduledWake(wake.tenant(), wake.continuationId(), retry.notBefore(), wake.wake()));
    } else if (r.outcome() != null) {
      timers.acknowledge(wake);
    } else {
      timers.register(
          new ScheduledWake(
              wake.tenant(), wake.continuationId(), clock.instant().plusSeconds(1), wake.wake()));
    }
  }

  private void recover(ScheduledWake wake, Worker dead, Result r) {
    String key = wake.continuationId() + "/" + wake.wake().id();
    double roll;
    synchronized (this) {
      roll = rng.nextDouble();
    }
    if (r.claim() != null && roll < 0.4) {
      int fails;
      synchronized (failsPerWake) {
        fails = failsPerWake.merge(key, 1, Integer::sum);
      }
      // Below the engine's fatal attempt, so the workload's expected end stays what it is.
      if (fails < TickEngine.STEP_ATTEMPTS) {
        failClaim(r.claim(), dead, "WorkerDied", "the worker died " + r.died().wire());
        synchronized (this) {
          count(recoveries, "fail_path");
        }
        return;
      }
    }
    if (roll < 0.6) {
      try {
        dead.engine.reconcile(wake.ref());
        synchronized (this) {
          count(recoveries, "reconcile");
        }
      } catch (RuntimeException e) {
        violation("reconcile(" + wake.ref() + ") after a worker death threw " + e);
      }
      return;
    }
    synchronized (this) {
      count(recoveries, "redelivery");
    }
  }

  private void failClaim(Claim claim, Worker w, String code, String message) {
    try {
      w.engine.fail(claim, code, message);
    } catch (RuntimeException e) {
      violation("fail(" + claim.wake().id() + ") threw " + e);
    } finally {
      w.engine.release(claim);
    }
  }

  /** Stale timer wakes, replayed stream messages and re-sent signals, all due now. */
  private void injectReplays() {
    if (rng.nextDouble() < 0.15) {
      Tracked t = tracked.get(rng.nextInt(tracked.size()));
      if (!t.timers.isEmpty()) {
        Wake stale = t.timers.get(rng.nextInt(t.timers.size()));
        timers.register(new ScheduledWake(t.ref.tenant(), t.ref.id(), clock.instant(), stale));
        count(faults, "stale_timer");
      }
    }
    if (rng.nextDouble() < 0.15) {
      Tracked t = tracked.get(rng.nextInt(tracked.size()));
      if (!t.streams.isEmpty()) {
        List<Wake> sent = List.copyOf(t.streams.values());
        new SchedulerWakeSink(real.scheduler(), clock)
            .deliver(t.ref, sent.get(rng.nextInt(sent.size())));
        count(faults, "stream_replay");
      }
    }
    if (rng.nextDouble() < 0.1) {
      Tracked t = tracked.get(rng.nextInt(tracked.size()));
      if (!t.signals.isEmpty()) {
        List<SentSignal> sent = List.copyOf(t.signals.values());
        SentSignal s = sent.get(rng.nextInt(sent.size()));
        try {
          service.signal(
              CALLER, t.ref.id(), s.kind(), JsonNodeFactory.instance.objectNode(), s.key());
          count(faults, "signal_replay");
        } catch (ConflictException finished) {
          // The continuation has ended; the API refuses the signal, nothing is delivered.
        }
      }
    }
  }

  private void reconcileAll(Worker w, String recovery) {
    for (Tracked t : tracked) {
      try {
        w.engine.reconcile(t.ref);
      } catch (RuntimeException e) {
        violation("reconcile(" + t.ref + ") threw " + e);
      }
    }
    if (recovery != null) count(recoveries, recovery);
  }

  // ---------------------------------------------------------------- checking

  private Report check() {
    long events = 0;
    for (Tracked t : tracked) {
      List<EventEnvelope> log = EventLog.readAfter(real.events(), t.ref.tenant(), t.ref.id(), 0);
      events += log.size();
      Optional<Continuation> snapshot = real.continuations().find(t.ref.tenant(), t.ref.id());
      BudgetLedger.ScopeStatus standing = ledger.status(ScopeKey.continuation(t.ref.id()));
      for (String v : ChaosInvariants.check(t.plan, log, snapshot, Optional.of(standing))) {
        violation("continuation " + t.index + " (" + t.ref.id() + ", plan " + t.plan + "): " + v);
      }
    }
    return new Report(
        seed,
        tracked.size(),
        workers.size(),
        ticks.get(),
        events,
        Map.copyOf(faults),
        Map.copyOf(recoveries),
        List.copyOf(violations));
  }

  // ---------------------------------------------------------------- helpers

  private long head(ContinuationRef ref) {
    List<EventEnvelope> log = EventLog.readAfter(real.events(), ref.tenant(), ref.id(), 0);
    return log.isEmpty() ? 0 : log.get(log.size() - 1).sequence();
  }

  private Tracked tracked(ContinuationRef ref) {
    return tracked.stream().filter(t -> t.ref.equals(ref)).findFirst().orElseThrow();
  }

  /** A random worker other than {@code not} (when there is another). */
  private Worker pickWorker(Worker not) {
    while (true) {
      Worker w = workers.get(rng.nextInt(workers.size()));
      if (w != not || workers.size() == 1) return w;
    }
  }

  private synchronized void count(Map<String, Long> into, String kind) {
    into.merge(kind, 1L, Long::sum);
  }

  private void violation(String what) {
    violations.add("seed " + seed + ": " + what);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A message or signal the world sent, kept for replays. */
  private record SentSignal(String kind, String key) {}

  /** One continuation of the schedule and what the world has sent it. */
  private static final class Tracked {
    final int index;
    final ContinuationRef ref;
    final WorkloadPlan plan;
    final Map<Integer, Wake> streams = new TreeMap<>();
    final Map<Integer, SentSignal> signals = new TreeMap<>();
    final List<Wake> timers = new ArrayList<>();
    boolean finished;

    Tracked(int index, ContinuationRef ref, WorkloadPlan plan) {
      this.index = index;
      this.ref = ref;
      this.plan = plan;
    }
  }

  /** A worker process: its own clock, its own engine over its own crashing view of the store. */
  private final class Worker {
    final int index;
    final Duration skew;
    final Clock clock;
    final FaultArm arm = new FaultArm();
    int incarnation;
    TickEngine engine;

    Worker(int index, Duration skew) {
      this.index = index;
      this.skew = skew;
      this.clock = ChaosSchedule.this.clock.skewed(skew);
      this.engine = newEngine();
    }

    /** A new process after a death: disarmed, under a new holder name. */
    synchronized void restart() {
      arm.restart();
      incarnation++;
      engine = newEngine();
    }

    private TickEngine newEngine() {
      return new TickEngine(
          CrashingSubstrate.wrap(real, arm),
          Recipes.of(new ChaosRecipe(ledger, arm)),
          clock,
          "worker-" + index + "." + incarnation,
          LEASE_TTL,
          Observability.NONE,
          new Random(seed * 31 + index * 1_000 + incarnation));
    }
  }
}
