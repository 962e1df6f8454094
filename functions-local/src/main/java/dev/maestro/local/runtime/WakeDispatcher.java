package dev.maestro.local.runtime;

import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.tick.TickOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fires due wakes: one thread waits until the earliest timer is due (or until {@link #poke()} says
 * a new one was registered), hands due wakes to the worker pool, and acknowledges each after its
 * tick. A wake is acknowledged only after its tick finished, so one in flight when the process dies
 * is delivered again on restart.
 */
final class WakeDispatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(WakeDispatcher.class.getName());
  private static final int BATCH = 256;
  private static final Duration IDLE_POLL = Duration.ofSeconds(1);
  private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

  private final TimerQueue timers;
  private final TickEngine engine;
  private final ExecutorService workers;
  private final Clock clock;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean poked;

  WakeDispatcher(TimerQueue timers, TickEngine engine, ExecutorService workers, Clock clock) {
    this.timers = timers;
    this.engine = engine;
    this.workers = workers;
    this.clock = clock;
    this.thread =
        Thread.ofPlatform().name("maestro-wake-dispatcher").daemon(true).unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  /** Tells the dispatcher the timer set changed (a wake may now be due sooner). */
  void poke() {
    lock.lock();
    try {
      poked = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (running) {
      try {
        Instant now = clock.instant();
        List<ScheduledWake> due = timers.due(now, BATCH);
        int dispatched = 0;
        for (ScheduledWake wake : due) {
          if (inFlight.add(key(wake))) {
            dispatched++;
            workers.execute(() -> run(wake));
          }
        }
        if (dispatched == 0) awaitNextDue(due.isEmpty());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "wake dispatch failed; retrying", e);
        sleepQuietly(ERROR_BACKOFF);
      }
    }
  }

  private void awaitNextDue(boolean nothingDue) {
    Duration wait = IDLE_POLL;
    if (nothingDue) {
      var next = timers.nextDueAt();
      if (next.isPresent()) {
        Duration untilDue = Duration.between(clock.instant(), next.get());
        if (untilDue.compareTo(wait) < 0) wait = untilDue.isNegative() ? Duration.ZERO : untilDue;
      }
    } else {
      // Everything due is in flight: wait for a tick to finish (it pokes) or a short while.
      wait = Duration.ofMillis(50);
    }
    lock.lock();
    try {
      if (!poked && !wait.isZero()) changed.awaitNanos(wait.toNanos());
      poked = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  private void run(ScheduledWake wake) {
    try {
      TickOutcome outcome = engine.deliver(wake.ref(), wake.wake());
      if (outcome instanceof TickOutcome.Retry retry) {
        timers.register(
            new ScheduledWake(
                wake.tenant(), wake.continuationId(), retry.notBefore(), wake.wake()));
      } else {
        timers.acknowledge(wake);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "tick for " + wake.ref() + " failed; will retry", e);
      if (running) {
        timers.register(
            new ScheduledWake(
                wake.tenant(),
                wake.continuationId(),
                clock.instant().plus(ERROR_BACKOFF),
                wake.wake()));
      }
    } finally {
      inFlight.remove(key(wake));
      poke();
    }
  }

  private static String key(ScheduledWake wake) {
    return wake.tenant() + "/" + wake.continuationId() + "/" + wake.wake().id();
  }

  /** Stops dispatching and waits up to {@code drain} for in-flight ticks to finish. */
  void stop(Duration drain) {
    running = false;
    poke();
    try {
      thread.join(drain.toMillis());
      workers.shutdown();
      if (!workers.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "ticks still running after " + drain + "; they resume on restart");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
