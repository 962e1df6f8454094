package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subscriptions index (ADR-0009), which every substrate keeps for stream fan-out: a subscribe
 * replaces the continuation's topics, an unsubscribe removes them all, fan-out is by tenant and
 * topic only, and writes are conditional on the event sequence, so a stale or replayed event
 * changes nothing. An implementation supplies {@link #newSubscriptions()}; the tenants are unique
 * per test, so implementations whose tests share storage pass as well.
 */
public abstract class SubscriptionsContract {

  private static final Instant AT = Instant.parse("2024-05-01T12:00:00Z");

  /** An index for one test; it may share storage with other tests (tenants never repeat). */
  protected abstract Subscriptions newSubscriptions();

  private Subscriptions index;
  private TenantId acme;
  private TenantId globex;

  @BeforeEach
  void freshIndex() {
    index = newSubscriptions();
    acme = Fixtures.tenant("acme");
    globex = Fixtures.tenant("globex");
  }

  private static ContinuationId id(int n) {
    return Fixtures.newId(AT.plusMillis(n));
  }

  @Test
  void givenSubscriptions_whenFannedOut_thenOnlyThatTenantsSubscribersOfThatTopicInIdOrder() {
    ContinuationId first = id(1);
    ContinuationId second = id(2);
    ContinuationId third = id(3);
    ContinuationId elsewhere = id(4);
    index.subscribe(new ContinuationRef(acme, second), Set.of("papers", "patents"), 7);
    index.subscribe(new ContinuationRef(acme, first), Set.of("papers"), 5);
    index.subscribe(new ContinuationRef(acme, third), Set.of("patents"), 4);
    index.subscribe(new ContinuationRef(globex, elsewhere), Set.of("papers"), 3);

    assertThat(index.subscribers(acme, "papers")).containsExactly(first, second);
    assertThat(index.subscribers(acme, "patents")).containsExactly(second, third);
    assertThat(index.subscribers(globex, "papers")).containsExactly(elsewhere);
    assertThat(index.subscribers(globex, "patents")).isEmpty();
    assertThat(index.subscribers(acme, "nobody-listens")).isEmpty();
  }

  @Test
  void givenASubscription_whenTheWakeUnsubscribes_thenEveryTopicOfItIsGone() {
    var ref = new ContinuationRef(acme, id(1));
    var other = new ContinuationRef(acme, id(2));
    index.subscribe(ref, Set.of("papers", "patents"), 3);
    index.subscribe(other, Set.of("papers"), 3);

    index.unsubscribe(ref, 4);

    assertThat(index.subscribers(acme, "papers")).containsExactly(other.id());
    assertThat(index.subscribers(acme, "patents")).isEmpty();
  }

  @Test
  void givenANewerSleepOnOtherTopics_whenSubscribed_thenOnlyTheNewTopicsRemain() {
    var ref = new ContinuationRef(acme, id(1));
    index.subscribe(ref, Set.of("papers", "patents"), 3);

    index.subscribe(ref, Set.of("patents", "trials"), 6);

    assertThat(index.subscribers(acme, "papers")).isEmpty();
    assertThat(index.subscribers(acme, "patents")).containsExactly(ref.id());
    assertThat(index.subscribers(acme, "trials")).containsExactly(ref.id());
  }

  @Test
  void givenANewerEventApplied_whenAnOlderOrEqualOneArrives_thenItIsIgnored() {
    var ref = new ContinuationRef(acme, id(1));
    index.subscribe(ref, Set.of("papers"), 7);

    index.subscribe(ref, Set.of("patents"), 5);
    index.subscribe(ref, Set.of("trials"), 7);
    index.unsubscribe(ref, 6);
    index.unsubscribe(ref, 7);

    assertThat(index.subscribers(acme, "papers")).containsExactly(ref.id());
    assertThat(index.subscribers(acme, "patents")).isEmpty();
    assertThat(index.subscribers(acme, "trials")).isEmpty();
  }

  @Test
  void givenAnUnsubscribedContinuation_whenItsOldSleepIsReplayed_thenItStaysUnsubscribed() {
    var ref = new ContinuationRef(acme, id(1));
    index.subscribe(ref, Set.of("papers"), 3);
    index.unsubscribe(ref, 4);

    index.subscribe(ref, Set.of("papers"), 3);
    index.unsubscribe(ref, 4);

    assertThat(index.subscribers(acme, "papers")).isEmpty();
  }

  @Test
  void givenAWholeHistoryReplayed_whenAppliedAgain_thenTheIndexIsUnchanged() {
    var ref = new ContinuationRef(acme, id(1));
    Runnable history =
        () -> {
          index.subscribe(ref, Set.of("papers"), 3);
          index.unsubscribe(ref, 4);
          index.subscribe(ref, Set.of("patents", "trials"), 6);
          index.unsubscribe(ref, 7);
          index.subscribe(ref, Set.of("trials"), 9);
        };
    history.run();
    List<ContinuationId> trials = index.subscribers(acme, "trials");

    history.run();

    assertThat(trials).containsExactly(ref.id());
    assertThat(index.subscribers(acme, "trials")).containsExactly(ref.id());
    assertThat(index.subscribers(acme, "papers")).isEmpty();
    assertThat(index.subscribers(acme, "patents")).isEmpty();
  }

  @Test
  void givenAContinuationNeverSubscribed_whenUnsubscribed_thenNothingHappens() {
    var ref = new ContinuationRef(acme, id(1));

    index.unsubscribe(ref, 2);

    assertThat(index.subscribers(acme, "papers")).isEmpty();
    index.subscribe(ref, Set.of("papers"), 3);
    assertThat(index.subscribers(acme, "papers")).containsExactly(ref.id());
  }

  @Test
  void givenATopicSpellingAContinuationId_whenFannedOut_thenOnlyItsSubscribersAreNamed() {
    var ref = new ContinuationRef(acme, id(1));
    var listener = new ContinuationRef(acme, id(2));
    index.subscribe(ref, Set.of("papers"), 3);

    assertThat(index.subscribers(acme, ref.id().value())).isEmpty();

    index.subscribe(listener, Set.of(ref.id().value()), 3);
    assertThat(index.subscribers(acme, ref.id().value())).containsExactly(listener.id());
  }

  @Test
  void givenTheSameContinuationIdInTwoTenants_whenOneUnsubscribes_thenTheOtherKeepsItsTopics() {
    ContinuationId shared = id(1);
    index.subscribe(new ContinuationRef(acme, shared), Set.of("papers"), 3);
    index.subscribe(new ContinuationRef(globex, shared), Set.of("papers"), 3);

    index.unsubscribe(new ContinuationRef(acme, shared), 4);

    assertThat(index.subscribers(acme, "papers")).isEmpty();
    assertThat(index.subscribers(globex, "papers")).containsExactly(shared);
  }
}
