package dev.maestro.azure.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.cosmos.models.PartitionKey;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosEmulator;
import dev.maestro.azure.cosmos.CosmosSubstrate;
import dev.maestro.azure.streams.Azurite;
import dev.maestro.azure.streams.CosmosSubscriptions;
import dev.maestro.azure.streams.StorageQueueDeadLetters;
import dev.maestro.azure.streams.StreamContainers;
import dev.maestro.azure.streams.StreamResources;
import dev.maestro.azure.streams.StreamTestBed;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.facts.FactRows;
import dev.maestro.core.facts.Lifecycle;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CDC function over the real Cosmos DB substrate on the npm emulator, with fact rows in append
 * blobs and dead letters in a queue on Azurite. The change feed itself is NOT exercised: the
 * emulator has none. Instead each test hands the function the continuation documents as the
 * Functions host hands a {@code CosmosDBTrigger} parameter of type {@code String} (a JSON array of
 * documents), read from the continuations container after real appends.
 */
class CdcFunctionChangeFeedNotExercisedTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private static CosmosEmulator cosmos;
  private static Azurite azurite;

  private final Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:30:00Z"), ZoneOffset.UTC);
  private CosmosContainers containers;
  private Substrate substrate;
  private CosmosSubscriptions subscriptions;
  private BlobContainerClient facts;
  private QueueClient deadLetters;
  private CdcFunction function;
  private final List<Map.Entry<ContinuationRef, Wake>> woken = new ArrayList<>();

  @BeforeAll
  static void start() {
    cosmos = CosmosEmulator.start();
    azurite = Azurite.start();
  }

  @AfterAll
  static void stop() {
    if (cosmos != null) cosmos.close();
    if (azurite != null) azurite.close();
  }

  @BeforeEach
  void wire() {
    containers = StreamTestBed.freshContainers(cosmos, "cdc");
    substrate = new CosmosSubstrate(cosmos.client(), containers).substrate();
    facts = azurite.blobs().getBlobContainerClient("facts-" + NAMES.incrementAndGet());
    facts.createIfNotExists();
    deadLetters = StreamTestBed.freshQueue(azurite, "cdc-dead-letters");
    var resources =
        new StreamResources(
            StreamContainers.subscriptions(cosmos.client(), containers),
            new StorageQueueDeadLetters(deadLetters),
            facts);
    subscriptions = new CosmosSubscriptions(resources.subscriptions());
    ContinuationCdc cdc =
        ContinuationCdc.of(
            substrate.events(), resources, (ref, wake) -> woken.add(Map.entry(ref, wake)), clock);
    function = new CdcFunction(client -> cdc);
  }

  @Test
  void givenASleepOnAStream_whenItsContinuationDocumentChanges_thenTheIndexSubscribesIt() {
    appendUpToTheSleep();

    function.accept(changed(), null);

    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).containsExactly(Lifecycle.ID);
  }

  @Test
  void givenTheStreamWakeCommitted_whenTheDocumentChangesAgain_thenTheIndexUnsubscribesIt() {
    appendUpToTheSleep();
    function.accept(changed(), null);
    appendTheRest();

    function.accept(changed(), null);

    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).isEmpty();
  }

  @Test
  void givenTheWholeLog_whenCaptured_thenEveryEventsRowsAreInTheHoursAppendBlob() {
    appendUpToTheSleep();
    function.accept(changed(), null);
    appendTheRest();
    function.accept(changed(), null);

    List<String> expected =
        Lifecycle.events().stream()
            .flatMap(e -> FactRows.rows(e).stream())
            .map(b -> new String(b, StandardCharsets.UTF_8))
            .toList();
    assertThat(blobLines())
        .containsExactlyElementsOf(expected.stream().map(String::strip).toList());
    assertThat(blobLines())
        .extracting(l -> Json.tree(l).path("sequence").asLong())
        .contains(1L, 5L, 9L);
  }

  @Test
  void givenTheSameAndAnOlderDocumentReplayed_whenCaptured_thenNothingChanges() {
    appendUpToTheSleep();
    String older = changed();
    function.accept(older, null);
    appendTheRest();
    String newer = changed();
    function.accept(newer, null);
    List<String> rows = blobLines();

    function.accept(newer, null);
    function.accept(older, null);

    assertThat(blobLines()).as("no row sent twice").isEqualTo(rows);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers"))
        .as("the old sleep does not resubscribe")
        .isEmpty();
  }

  @Test
  void givenOtherDocumentsOfTheContainer_whenCaptured_thenIndexEntriesAreIgnoredAndBadOnesKept() {
    function.accept(StreamTestBed.payload("cosmos-continuations-other-documents.json"), null);

    assertThat(StreamTestBed.peek(deadLetters))
        .extracting(l -> l.path("source").asText() + " " + l.path("recordId").asText())
        .containsExactly("cdc not-a-continuation-id");
    assertThat(facts.listBlobs().stream().count()).isZero();
  }

  @Test
  void
      givenASiblingWaitingOnATag_whenThePublishersDocumentChanges_thenTheSiblingGetsOnePublishWake() {
    ContinuationId sibling = ContinuationId.of("0190a1b2-0000-7000-8000-0000000000c1");
    ContinuationId publisher = ContinuationId.of("0190a1b2-0000-7000-8000-0000000000c2");
    EventEnvelope sleep =
        appendAfter(
            spawn(sibling),
            new EventPayload.Slept(new WakeCondition.Publish("reviewed"), "waiting", null));
    EventEnvelope publish =
        appendAfter(
            spawn(publisher),
            new EventPayload.Published(
                "reviewed", Json.mapper().createObjectNode().put("ok", true)));

    function.accept("[" + document(sibling) + "," + document(publisher) + "]", null);

    assertThat(subscriptions.subscribers(Lifecycle.TENANT, PublishFanout.indexKey("reviewed")))
        .containsExactly(sibling);
    assertThat(woken)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.getKey()).isEqualTo(new ContinuationRef(Lifecycle.TENANT, sibling));
              assertThat(w.getValue().kind()).isEqualTo(WakeKind.PUBLISH);
              assertThat(w.getValue().id())
                  .isEqualTo(PublishFanout.wakeId(publisher, publish.sequence()));
              assertThat(w.getValue().payload().path("traceparent").asText())
                  .isEqualTo("00-" + publish.traceId() + "-" + publish.spanId() + "-01");
            });
    assertThat(sleep.sequence()).isEqualTo(2);

    // The same documents delivered again: the cursors stop a second fan-out.
    function.accept("[" + document(sibling) + "," + document(publisher) + "]", null);
    assertThat(woken).hasSize(1);
  }

  private EventEnvelope spawn(ContinuationId id) {
    var goal =
        GoalFrame.of(
            "cdc publish",
            BudgetLimits.ofUsd(BigDecimal.ONE, 0),
            "noop",
            Json.mapper().createObjectNode());
    EventEnvelope spawn =
        EventEnvelope.seal(
            id,
            Lifecycle.TENANT,
            0,
            1,
            Lifecycle.T0,
            id.traceId(),
            "00f067aa0ba902b7",
            dev.maestro.core.event.Runtime.MAESTRO,
            new EventPayload.Spawn(
                goal,
                Lineage.root(id),
                Json.mapper().createObjectNode(),
                new WakeCondition.Timer("start", Lifecycle.T0)),
            EventEnvelope.GENESIS);
    substrate.continuations().create(ContinuationFold.fold(List.of(spawn)), spawn);
    return spawn;
  }

  private EventEnvelope appendAfter(EventEnvelope previous, EventPayload payload) {
    ContinuationId id = previous.continuationId();
    var lease =
        substrate
            .continuations()
            .acquireLease(Lifecycle.TENANT, id, "test", Duration.ofMinutes(1), Lifecycle.T0);
    EventEnvelope next =
        EventEnvelope.seal(
            id,
            Lifecycle.TENANT,
            lease.generation(),
            previous.sequence() + 1,
            Lifecycle.T0.plusSeconds(1),
            id.traceId(),
            "53995c3f42cd8ad8",
            dev.maestro.core.event.Runtime.MAESTRO,
            payload,
            previous.hash());
    substrate.events().append(Lifecycle.TENANT, id, lease.generation(), List.of(next));
    substrate.continuations().releaseLease(Lifecycle.TENANT, id, lease);
    return next;
  }

  private ObjectNode document(ContinuationId id) {
    return cosmos
        .client()
        .getDatabase(containers.database())
        .getContainer(containers.continuations())
        .readItem(
            id.value(),
            new PartitionKey(Lifecycle.TENANT.value() + "#" + id.value()),
            ObjectNode.class)
        .block()
        .getItem();
  }

  /** Events 1..5: spawn, a timer wake, a model call and its charge, the sleep on "papers". */
  private void appendUpToTheSleep() {
    List<EventEnvelope> events = Lifecycle.events();
    EventEnvelope spawn = events.getFirst();
    substrate.continuations().create(ContinuationFold.fold(List.of(spawn)), spawn);
    append(events.subList(1, 5));
  }

  /** Events 6..9 under the next lease: the stream wake, a tool call, its charge, complete. */
  private void appendTheRest() {
    append(Lifecycle.events().subList(5, 9));
  }

  private void append(List<EventEnvelope> batch) {
    var lease =
        substrate
            .continuations()
            .acquireLease(
                Lifecycle.TENANT,
                Lifecycle.ID,
                "test",
                Duration.ofMinutes(1),
                batch.getFirst().timestamp());
    assertThat(lease.generation()).isEqualTo(batch.getFirst().generation());
    substrate.events().append(Lifecycle.TENANT, Lifecycle.ID, lease.generation(), batch);
    substrate.continuations().releaseLease(Lifecycle.TENANT, Lifecycle.ID, lease);
  }

  /** The continuation document as the change feed would deliver it: a JSON array of one. */
  private String changed() {
    ObjectNode doc =
        cosmos
            .client()
            .getDatabase(containers.database())
            .getContainer(containers.continuations())
            .readItem(
                Lifecycle.ID.value(),
                new PartitionKey(Lifecycle.TENANT.value() + "#" + Lifecycle.ID.value()),
                ObjectNode.class)
            .block()
            .getItem();
    return "[" + doc + "]";
  }

  private List<String> blobLines() {
    var blob = facts.getBlobClient(new AppendBlobFactSink(facts, clock).currentBlob());
    if (!blob.exists()) return List.of();
    return blob.downloadContent().toString().lines().toList();
  }
}
