package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every contract in the kit. An implementation supplies a fresh substrate per test and a
 * way to reopen the same storage as after a process restart; the kit does the rest. Time never
 * comes from the wall clock: every port takes {@code now} as an argument, and the kit derives it
 * from {@link #clock()} and moves it forward explicitly, so lease expiry needs no sleeping.
 *
 * <p>Tests must not assume the substrate is empty beyond the tenants they create themselves ({@link
 * Fixtures#tenant} is unique per call), so the kit also runs against a shared emulator.
 */
public abstract class SubstrateContract {

  /** The instant the kit's default clock is fixed at. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-01T09:00:00Z");

  /** The substrate under test; replaced by {@link #restart()}. */
  protected Substrate substrate;

  /** The kit's "now" for this test, from {@link #clock()}. */
  protected Instant now;

  /**
   * A substrate for one test. It may share storage with other tests, but must not contain rows of
   * the tenants this test creates.
   */
  protected abstract Substrate newSubstrate();

  /**
   * Closes the substrate last returned by {@link #newSubstrate()} or this method and opens the same
   * storage again, as a restarted process would (everything committed must still be there).
   */
  protected abstract Substrate reopen();

  /**
   * Whether {@link #newSubstrate()} shares storage with other tests (a shared emulator table).
   * Tests that need to see the whole store, such as the earliest due timer, are skipped then.
   */
  protected boolean sharesStorage() {
    return false;
  }

  /** Skips the calling test where storage is shared with other tests. */
  protected final void assumeOwnStorage() {
    Assumptions.assumeFalse(sharesStorage(), "needs a substrate of its own");
  }

  /** The clock the kit reads its starting instant from; fixed by default. */
  protected Clock clock() {
    return Clock.fixed(DEFAULT_START, ZoneOffset.UTC);
  }

  /** Gives every test a substrate and its starting instant. */
  @BeforeEach
  protected final void openSubstrate() {
    substrate = newSubstrate();
    now = clock().instant();
  }

  /** Simulates a process restart: the rest of the test runs against the reopened storage. */
  protected final void restart() {
    substrate = reopen();
  }

  /** The continuation store under test. */
  protected final ContinuationStore continuations() {
    return substrate.continuations();
  }

  /** The event log under test. */
  protected final EventLog events() {
    return substrate.events();
  }

  /** The scheduler under test. */
  protected final Scheduler scheduler() {
    return substrate.scheduler();
  }

  /** The idempotency store under test. */
  protected final IdempotencyStore idempotency() {
    return substrate.idempotency();
  }

  /**
   * The substrate's timer queue; skips the test where the scheduler is pushed by a cloud service.
   */
  protected final TimerQueue timers() {
    Assumptions.assumeTrue(
        substrate.scheduler() instanceof TimerQueue,
        "this substrate's scheduler is not a polled TimerQueue");
    return (TimerQueue) substrate.scheduler();
  }

  /** {@link #now} plus {@code amount}. */
  protected final Instant later(Duration amount) {
    return now.plus(amount);
  }

  /** Creates a new continuation of {@code tenant} in the substrate and returns it. */
  protected final Fixtures.Spawned created(TenantId tenant) {
    var spawned = Fixtures.spawned(tenant, now);
    continuations().create(spawned.continuation(), spawned.spawn());
    return spawned;
  }

  /** The whole log of {@code ref}, read in pages. */
  protected final List<EventEnvelope> log(ContinuationRef ref) {
    var all = new ArrayList<EventEnvelope>();
    long after = 0;
    while (true) {
      List<EventEnvelope> page = events().read(ref.tenant(), ref.id(), after, 100);
      if (page.isEmpty()) return all;
      all.addAll(page);
      after = page.get(page.size() - 1).sequence();
      assertThat(all).as("a log read in pages must terminate").hasSizeLessThan(1_000_000);
    }
  }

  /** The last event of {@code ref}'s log. */
  protected final EventEnvelope lastEvent(ContinuationRef ref) {
    List<EventEnvelope> all = log(ref);
    assertThat(all).as("log of " + ref).isNotEmpty();
    return all.get(all.size() - 1);
  }

  /** The hashes of {@code events}, which identify them exactly. */
  protected static List<String> hashes(List<EventEnvelope> events) {
    return events.stream().map(EventEnvelope::hash).toList();
  }
}
