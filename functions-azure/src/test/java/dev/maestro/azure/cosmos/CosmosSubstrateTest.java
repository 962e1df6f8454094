package dev.maestro.azure.cosmos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.cosmos.CosmosAsyncContainer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.FencedException;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.AppendResult;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Substrate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the conformance kit cannot see of the Cosmos DB substrate: an append's commit point (the
 * head move on the continuation document), the garbage a writer that died before committing leaves
 * behind, the etag fence, and the tenant in every partition key. Runs on the npm emulator.
 */
class CosmosSubstrateTest {

  private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);

  private static CosmosEmulator cosmos;

  private CosmosContainers containers;
  private Substrate substrate;

  @BeforeAll
  static void startEmulator() {
    cosmos = CosmosEmulator.start();
  }

  @AfterAll
  static void stopEmulator() {
    if (cosmos != null) cosmos.close();
  }

  @BeforeEach
  void freshSubstrate() {
    containers = cosmos.freshContainers("substrate");
    substrate = new CosmosSubstrate(cosmos.client(), containers).substrate();
  }

  @Test
  void
      givenAWriterThatDiedAfterWritingEventsBeforeCommitting_whenTheLogIsRead_thenNothingOfItIsVisible() {
    var spawned = created();
    Lease dead = acquire(spawned, "dead-worker", NOW);
    writeUncommitted(Fixtures.following(spawned.spawn(), dead.generation(), 3, "dead"));

    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
    assertThat(eventDocuments(spawned.ref())).hasSize(4);
  }

  @Test
  void
      givenAWriterThatDiedBeforeCommitting_whenTheNextHolderAppendsOtherEvents_thenTheyReplaceTheGarbage() {
    var spawned = created();
    Lease dead = acquire(spawned, "dead-worker", NOW);
    writeUncommitted(Fixtures.following(spawned.spawn(), dead.generation(), 3, "dead"));
    Lease next = acquire(spawned, "next-worker", NOW.plus(TTL));
    List<EventEnvelope> batch = Fixtures.following(spawned.spawn(), next.generation(), 2, "next");

    AppendResult result =
        substrate.events().append(spawned.tenant(), spawned.id(), next.generation(), batch);

    assertThat(result.appended()).isEqualTo(2);
    List<EventEnvelope> log = log(spawned.ref());
    assertThat(log).containsExactly(spawned.spawn(), batch.get(0), batch.get(1));
    assertThat(EventChain.firstDefect(log)).isEmpty();
    // The dead writer's third event lies beyond the head: still stored, never visible.
    assertThat(eventDocuments(spawned.ref())).hasSize(4);
    var third = Fixtures.following(batch.get(1), next.generation(), 1, "after");
    substrate.events().append(spawned.tenant(), spawned.id(), next.generation(), third);
    assertThat(log(spawned.ref())).hasSize(4).last().isEqualTo(third.get(0));
  }

  @Test
  void givenAHolderWhoseAppendFailedBeforeCommitting_whenItRetriesTheSameBatch_thenItIsCommitted() {
    var spawned = created();
    Lease lease = acquire(spawned, "worker", NOW);
    List<EventEnvelope> batch = Fixtures.following(spawned.spawn(), lease.generation(), 3);
    writeUncommitted(batch.subList(0, 2));

    AppendResult result =
        substrate.events().append(spawned.tenant(), spawned.id(), lease.generation(), batch);

    assertThat(result.appended()).isEqualTo(3);
    assertThat(log(spawned.ref())).hasSize(4).endsWith(batch.toArray(EventEnvelope[]::new));
  }

  @Test
  void
      givenUncommittedEventsOfTheSameGeneration_whenAnotherBatchIsAppended_thenConflictAndNothingIsCommitted() {
    var spawned = created();
    Lease lease = acquire(spawned, "worker", NOW);
    writeUncommitted(Fixtures.following(spawned.spawn(), lease.generation(), 1, "first"));
    List<EventEnvelope> other = Fixtures.following(spawned.spawn(), lease.generation(), 1, "other");

    assertThatThrownBy(
            () ->
                substrate
                    .events()
                    .append(spawned.tenant(), spawned.id(), lease.generation(), other))
        .isInstanceOf(ConflictException.class);
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
  }

  @Test
  void givenAStaleEtag_whenTheHeadIsMoved_thenNothingIsWrittenAndTheOldFenceIsFenced() {
    var spawned = created();
    Lease old = acquire(spawned, "old-worker", NOW);
    var store = continuationStore();
    ObjectNode read = store.document(spawned.ref()).orElseThrow();
    String staleEtag = read.get(Docs.ETAG).asText();
    acquire(spawned, "new-worker", NOW.plus(TTL));
    List<EventEnvelope> batch = Fixtures.following(spawned.spawn(), old.generation(), 1);
    read.put(CosmosContinuationStore.LOG_HEAD_SEQUENCE, 2L);
    read.put(CosmosContinuationStore.LOG_HEAD_HASH, batch.get(0).hash());

    assertThat(store.replace(spawned.ref(), read, staleEtag)).isFalse();
    assertThat(log(spawned.ref())).containsExactly(spawned.spawn());
    assertThatThrownBy(
            () ->
                substrate.events().append(spawned.tenant(), spawned.id(), old.generation(), batch))
        .isInstanceOf(FencedException.class);
  }

  @Test
  void
      givenTheSameContinuationIdInTwoTenants_whenBothAreCreatedAndAppended_thenTheirDocumentsNeverMix() {
    var alpha = Fixtures.tenant("alpha");
    var beta = Fixtures.tenant("beta");
    var inAlpha = Fixtures.spawned(alpha, Fixtures.newId(NOW), NOW, "alpha's objective");
    var inBeta = Fixtures.spawned(beta, inAlpha.id(), NOW, "beta's objective");
    substrate.continuations().create(inAlpha.continuation(), inAlpha.spawn());
    substrate.continuations().create(inBeta.continuation(), inBeta.spawn());
    var alphaEvents = Fixtures.following(inAlpha.spawn(), 0, 2, "alpha");
    substrate.events().append(alpha, inAlpha.id(), 0, alphaEvents);
    substrate.scheduler().register(Fixtures.timer(alpha, inAlpha.id(), "nap", NOW));
    substrate.idempotency().claim(alpha, Fixtures.claim("key-1", "f-alpha", "r-alpha", NOW));

    assertThat(log(inAlpha.ref())).hasSize(3);
    assertThat(log(inBeta.ref())).containsExactly(inBeta.spawn());
    assertThat(eventDocuments(inBeta.ref())).hasSize(1);
    assertThat(substrate.scheduler().pending(beta, inBeta.id())).isEmpty();
    assertThat(
            substrate
                .idempotency()
                .claim(beta, Fixtures.claim("key-1", "f-beta", "r-beta", NOW))
                .resourceId())
        .isEqualTo("r-beta");
    for (ObjectNode doc : eventDocuments(inAlpha.ref())) {
      assertThat(doc.get(Docs.PK).asText()).startsWith(alpha.value() + "#");
      assertThat(doc.get(Docs.TENANT).asText()).isEqualTo(alpha.value());
    }
  }

  private Fixtures.Spawned created() {
    var spawned = Fixtures.spawned(Fixtures.tenant("alpha"), NOW);
    substrate.continuations().create(spawned.continuation(), spawned.spawn());
    return spawned;
  }

  private Lease acquire(Fixtures.Spawned spawned, String holder, Instant at) {
    return substrate.continuations().acquireLease(spawned.tenant(), spawned.id(), holder, TTL, at);
  }

  /** What a writer leaves when it dies after creating its event documents, before the head move. */
  private void writeUncommitted(List<EventEnvelope> events) {
    for (EventEnvelope event : events) {
      assertThat(CosmosEventLog.createEvent(eventsContainer(), event)).isTrue();
    }
  }

  private List<EventEnvelope> log(ContinuationRef ref) {
    return substrate.events().read(ref.tenant(), ref.id(), 0, 1_000);
  }

  private List<ObjectNode> eventDocuments(ContinuationRef ref) {
    return new ArrayList<>(
        Docs.readPartition(eventsContainer(), Docs.continuationKey(ref.tenant(), ref.id())));
  }

  private CosmosAsyncContainer eventsContainer() {
    return cosmos.client().getDatabase(containers.database()).getContainer(containers.events());
  }

  private CosmosContinuationStore continuationStore() {
    return (CosmosContinuationStore) substrate.continuations();
  }
}
