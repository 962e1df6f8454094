package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.substrate.ScheduledWake;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A polled {@link dev.maestro.core.substrate.TimerQueue} (the embedded runtime's scheduler): due
 * wakes come earliest first and stay due until acknowledged, a stale acknowledgement never removes
 * a newer registration, and timers survive a restart. Skipped where the scheduler is not a
 * TimerQueue.
 *
 * <p>Due queries are not scoped to a tenant, so these tests only assert on the wakes they
 * registered themselves, except those that need the whole queue, which are skipped where {@link
 * #sharesStorage()}.
 */
public abstract class TimerQueueContract extends SubstrateContract {

  @Test
  void givenWakesDueAndNotYetDue_whenDueIsPolled_thenOnlyTheDueOnesComeEarliestFirst() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake dueSecond =
        Fixtures.timer(spawned.tenant(), spawned.id(), "b", later(Duration.ofSeconds(-5)));
    ScheduledWake dueFirst =
        Fixtures.timer(spawned.tenant(), spawned.id(), "a", later(Duration.ofSeconds(-10)));
    ScheduledWake notYet =
        Fixtures.timer(spawned.tenant(), spawned.id(), "c", later(Duration.ofSeconds(5)));
    timers().register(dueSecond);
    timers().register(notYet);
    timers().register(dueFirst);

    List<ScheduledWake> due = mine(timers().due(now, 1_000), spawned);

    assertThat(due).containsExactly(dueFirst, dueSecond);
  }

  @Test
  void givenAWakeDueExactlyNow_whenDueIsPolled_thenItIsDue() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake wake = Fixtures.timer(spawned.tenant(), spawned.id(), "now", now);
    timers().register(wake);

    assertThat(mine(timers().due(now, 1_000), spawned)).containsExactly(wake);
  }

  @Test
  void givenMoreDueWakesThanTheLimit_whenDueIsPolled_thenTheEarliestUpToTheLimitCome() {
    assumeOwnStorage();
    var tenant = Fixtures.tenant("alpha");
    var spawned = created(tenant);
    ScheduledWake earliest =
        Fixtures.timer(tenant, spawned.id(), "a", later(Duration.ofMinutes(-30)));
    ScheduledWake nextEarliest =
        Fixtures.timer(tenant, spawned.id(), "b", later(Duration.ofMinutes(-20)));
    timers().register(Fixtures.timer(tenant, spawned.id(), "c", later(Duration.ofSeconds(-1))));
    timers().register(nextEarliest);
    timers().register(earliest);

    assertThat(timers().due(now, 2)).containsExactly(earliest, nextEarliest);
  }

  @Test
  void givenADueWake_whenPolledTwiceWithoutAcknowledging_thenItIsDeliveredAgain() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake wake =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1)));
    timers().register(wake);
    timers().due(now, 1_000);

    assertThat(mine(timers().due(now, 1_000), spawned)).containsExactly(wake);
  }

  @Test
  void givenADeliveredWake_whenAcknowledged_thenItIsNeitherDueNorPending() {
    var spawned = created(Fixtures.tenant("alpha"));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1))));
    ScheduledWake delivered = mine(timers().due(now, 1_000), spawned).get(0);

    timers().acknowledge(delivered);

    assertThat(mine(timers().due(now, 1_000), spawned)).isEmpty();
    assertThat(timers().pending(spawned.tenant(), spawned.id())).isEmpty();
  }

  @Test
  void
      givenAWakeReRegisteredLaterAfterDelivery_whenTheStaleDeliveryIsAcknowledged_thenTheNewRegistrationStays() {
    var spawned = created(Fixtures.tenant("alpha"));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1))));
    ScheduledWake delivered = mine(timers().due(now, 1_000), spawned).get(0);
    ScheduledWake rescheduled =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofMinutes(10)));
    timers().register(rescheduled);

    timers().acknowledge(delivered);

    assertThat(timers().pending(spawned.tenant(), spawned.id())).containsExactly(rescheduled);
  }

  @Test
  void
      givenAWakeReRegisteredWithADifferentPayloadAfterDelivery_whenTheStaleDeliveryIsAcknowledged_thenTheNewRegistrationStays() {
    var spawned = created(Fixtures.tenant("alpha"));
    var dueAt = later(Duration.ofSeconds(-1));
    timers().register(Fixtures.signal(spawned.tenant(), spawned.id(), "sig", "first", dueAt));
    ScheduledWake delivered = mine(timers().due(now, 1_000), spawned).get(0);
    ScheduledWake replaced =
        Fixtures.signal(spawned.tenant(), spawned.id(), "sig", "second", dueAt);
    timers().register(replaced);

    timers().acknowledge(delivered);

    assertThat(timers().pending(spawned.tenant(), spawned.id())).containsExactly(replaced);
  }

  @Test
  void givenACancelledWake_whenItsDeliveryIsAcknowledged_thenNothingHappens() {
    var spawned = created(Fixtures.tenant("alpha"));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1))));
    ScheduledWake delivered = mine(timers().due(now, 1_000), spawned).get(0);
    timers().cancel(spawned.tenant(), spawned.id(), "nap");

    timers().acknowledge(delivered);

    assertThat(timers().pending(spawned.tenant(), spawned.id())).isEmpty();
  }

  @Test
  void givenPendingWakes_whenTheNextDueTimeIsAsked_thenItIsTheEarliest() {
    assumeOwnStorage();
    var spawned = created(Fixtures.tenant("alpha"));
    var earliest = later(Duration.ofMinutes(1));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "late", later(Duration.ofMinutes(10))));
    timers().register(Fixtures.timer(spawned.tenant(), spawned.id(), "early", earliest));

    assertThat(timers().nextDueAt()).contains(earliest);
  }

  @Test
  void givenTheEarliestWakeCancelled_whenTheNextDueTimeIsAsked_thenItMovesToTheNextOne() {
    assumeOwnStorage();
    var spawned = created(Fixtures.tenant("alpha"));
    var second = later(Duration.ofMinutes(10));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "first", later(Duration.ofMinutes(1))));
    timers().register(Fixtures.timer(spawned.tenant(), spawned.id(), "second", second));

    timers().cancel(spawned.tenant(), spawned.id(), "first");

    assertThat(timers().nextDueAt()).contains(second);
  }

  @Test
  void givenAnAcknowledgedWake_whenTheNextDueTimeIsAsked_thenItNoLongerCounts() {
    assumeOwnStorage();
    var spawned = created(Fixtures.tenant("alpha"));
    timers()
        .register(
            Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1))));
    timers().acknowledge(timers().due(now, 1).get(0));

    assertThat(timers().nextDueAt()).isEmpty();
  }

  @Test
  void givenNoWakeWasEverRegistered_whenTheNextDueTimeIsAsked_thenEmpty() {
    assumeOwnStorage();

    assertThat(timers().nextDueAt()).isEmpty();
  }

  @Test
  void givenRegisteredTimers_whenTheProcessRestarts_thenTheyArePendingAndFireWhenDue() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake soon =
        Fixtures.timer(spawned.tenant(), spawned.id(), "soon", later(Duration.ofSeconds(10)));
    ScheduledWake signal =
        Fixtures.signal(
            spawned.tenant(), spawned.id(), "sig", "approved", later(Duration.ofSeconds(20)));
    timers().register(soon);
    timers().register(signal);

    restart();

    assertThat(timers().pending(spawned.tenant(), spawned.id())).containsExactly(soon, signal);
    assertThat(mine(timers().due(later(Duration.ofSeconds(30)), 1_000), spawned))
        .containsExactly(soon, signal);
  }

  @Test
  void givenADeliveredButUnacknowledgedWake_whenTheProcessRestarts_thenItIsDueAgain() {
    var spawned = created(Fixtures.tenant("alpha"));
    ScheduledWake wake =
        Fixtures.timer(spawned.tenant(), spawned.id(), "nap", later(Duration.ofSeconds(-1)));
    timers().register(wake);
    timers().due(now, 1_000);

    restart();

    assertThat(mine(timers().due(now, 1_000), spawned)).containsExactly(wake);
  }

  private static List<ScheduledWake> mine(List<ScheduledWake> wakes, Fixtures.Spawned spawned) {
    return wakes.stream().filter(w -> w.ref().equals(spawned.ref())).toList();
  }
}
