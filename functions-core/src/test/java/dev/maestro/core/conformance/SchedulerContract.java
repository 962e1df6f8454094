package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.substrate.ScheduledWake;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@link dev.maestro.core.substrate.Scheduler} every substrate has, pushed or polled: register
 * is idempotent on (tenant, continuation, wake id), cancel removes, pending lists earliest first.
 */
public abstract class SchedulerContract extends SubstrateContract {

  @Test
  void givenARegisteredWake_whenPendingIsListed_thenItIsThere() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake wake =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(5)));

    scheduler().register(wake);

    assertThat(scheduler().pending(spawned.tenant(), spawned.id())).containsExactly(wake);
  }

  @Test
  void givenARegisteredWake_whenTheSameKeyIsRegisteredAgain_thenItIsReplacedNotDuplicated() {
    var spawned = created(Fixtures.tenant("alpha"));
    scheduler()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(5))));
    ScheduledWake moved =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(9)));

    scheduler().register(moved);

    assertThat(scheduler().pending(spawned.tenant(), spawned.id())).containsExactly(moved);
  }

  @Test
  void givenARegisteredWake_whenTheIdenticalWakeIsRegisteredAgain_thenItIsPendingOnce() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake wake =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(5)));
    scheduler().register(wake);

    scheduler().register(wake);

    assertThat(scheduler().pending(spawned.tenant(), spawned.id())).containsExactly(wake);
  }

  @Test
  void givenARegisteredWake_whenCancelled_thenTrueAndItIsNoLongerPending() {
    var spawned = created(Fixtures.tenant("alpha"));
    scheduler()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(5))));

    boolean removed = scheduler().cancel(spawned.tenant(), spawned.id(), "nap");

    assertThat(removed).isTrue();
    assertThat(scheduler().pending(spawned.tenant(), spawned.id())).isEmpty();
  }

  @Test
  void givenACancelledWake_whenCancelledAgain_thenFalse() {
    var spawned = created(Fixtures.tenant("alpha"));
    scheduler()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(5))));
    scheduler().cancel(spawned.tenant(), spawned.id(), "nap");

    assertThat(scheduler().cancel(spawned.tenant(), spawned.id(), "nap")).isFalse();
  }

  @Test
  void givenNoSuchWake_whenCancelled_thenFalseAndOtherWakesStay() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake other =
        Fixtures.timer(spawned.tenant(), spawned.id(), "other", later(Duration.ofMinutes(5)));
    scheduler().register(other);

    assertThat(scheduler().cancel(spawned.tenant(), spawned.id(), "nap")).isFalse();
    assertThat(scheduler().pending(spawned.tenant(), spawned.id())).containsExactly(other);
  }

  @Test
  void givenSeveralWakes_whenPendingIsListed_thenEarliestComesFirst() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake third =
        Fixtures.timer(spawned.tenant(), spawned.id(), "c", later(Duration.ofMinutes(30)));
    ScheduledWake first =
        Fixtures.timer(spawned.tenant(), spawned.id(), "a", later(Duration.ofMinutes(10)));
    ScheduledWake second =
        Fixtures.signal(
            spawned.tenant(), spawned.id(), "b", "approved", later(Duration.ofMinutes(20)));
    scheduler().register(third);
    scheduler().register(first);
    scheduler().register(second);

    assertThat(scheduler().pending(spawned.tenant(), spawned.id()))
        .containsExactly(first, second, third);
  }

  @Test
  void givenWakesOfTwoContinuations_whenPendingIsListedForOne_thenOnlyItsWakesAreListed() {
    var tenant = Fixtures.tenant("alpha");
    var mine = created(tenant);
    var theirs = created(tenant);
    ScheduledWake myWake = Fixtures.timer(tenant, mine.id(), "nap", later(Duration.ofMinutes(5)));
    scheduler().register(myWake);
    scheduler().register(Fixtures.timer(tenant, theirs.id(), "nap", later(Duration.ofMinutes(1))));

    assertThat(scheduler().pending(tenant, mine.id())).containsExactly(myWake);
  }

  @Test
  void givenAWakeWithAPayload_whenPendingIsListed_thenThePayloadIsKept() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake signal = Fixtures.signal(spawned.tenant(), spawned.id(), "sig-1", "ship it", now);

    scheduler().register(signal);

    assertThat(scheduler().pending(spawned.tenant(), spawned.id()))
        .singleElement()
        .satisfies(w -> assertThat(w.wake().payload().get("note").asText()).isEqualTo("ship it"));
  }
}
