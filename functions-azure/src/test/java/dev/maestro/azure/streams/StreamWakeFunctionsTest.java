package dev.maestro.azure.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosEmulator;
import dev.maestro.azure.cosmos.CosmosSubstrate;
import dev.maestro.azure.durable.ContinuationOrchestrator;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.azure.functions.RecordingDurableClient;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeKind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Event Grid and Service Bus stream functions over the Cosmos DB substrate and subscriptions
 * index on the npm emulator, with dead letters in a Storage queue on Azurite. Events and messages
 * are the documented payload files under {@code payloads/}. The Durable client records the {@code
 * wake} events the functions raise (no Durable host runs here).
 */
class StreamWakeFunctionsTest {

  private static final TenantId ACME = TenantId.of("acme");
  private static final ContinuationId ADDRESSED =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000a1");
  private static final ContinuationId C1 =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b1");
  private static final ContinuationId C2 =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b2");
  private static final ContinuationId OTHER_TENANT =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b3");
  private static final ContinuationId OTHER_TOPIC =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b4");

  private static CosmosEmulator cosmos;
  private static Azurite azurite;

  private final RecordingDurableClient durable = new RecordingDurableClient();
  private final Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:00:30Z"), ZoneOffset.UTC);
  private CosmosSubscriptions subscriptions;
  private QueueClient deadLetterQueue;
  private EventGridWakeFunction eventGrid;
  private ServiceBusWakeFunction serviceBus;

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
    CosmosContainers containers = StreamTestBed.freshContainers(cosmos, "streams");
    var runtime = new AzureRuntime(new CosmosSubstrate(cosmos.client(), containers), clock);
    deadLetterQueue = StreamTestBed.freshQueue(azurite, "dead-letters");
    var resources =
        new StreamResources(
            StreamContainers.subscriptions(cosmos.client(), containers),
            new StorageQueueDeadLetters(deadLetterQueue),
            azurite.blobs().getBlobContainerClient("unused"));
    subscriptions = new CosmosSubscriptions(resources.subscriptions());
    eventGrid = new EventGridWakeFunction(client -> resources.ingest(runtime, client), clock);
    serviceBus = new ServiceBusWakeFunction(client -> resources.ingest(runtime, client), clock);
  }

  @Test
  void givenAnEventGridSchemaEventAddressedToAContinuation_whenTriggered_thenOneWakeIsRaised() {
    eventGrid.run(StreamTestBed.payload("eventgrid-event.json"), durable.context(), null);

    assertThat(durable.raised).hasSize(1);
    Map<String, String> raised = durable.raised.getFirst();
    assertThat(raised.get("instance")).isEqualTo(ADDRESSED.value());
    assertThat(raised.get("event")).isEqualTo(ContinuationOrchestrator.WAKE_EVENT);
    Wake wake = Json.read(raised.get("payload"), Wake.class);
    assertThat(wake.id())
        .as("derived from the topic and the event id (the message has no message_id)")
        .isEqualTo(StreamMessage.wakeId("papers", "9aeb0fdf-c01e-0131-0922-9eb54906e209"));
    assertThat(wake.kind()).isEqualTo(WakeKind.STREAM);
    assertThat(wake.channel()).isEqualTo("papers");
    assertThat(wake.payload().path("doi").asText()).isEqualTo("10.1101/2024.05.01.000001");
    assertThat(StreamTestBed.peek(deadLetterQueue)).isEmpty();
  }

  @Test
  void givenTheSameEventDeliveredTwice_whenTriggered_thenBothWakesCarryTheSameId() {
    String event = StreamTestBed.payload("eventgrid-event.json");
    eventGrid.accept(event, durable);
    eventGrid.accept(event, durable);

    assertThat(durable.raised)
        .extracting(r -> Json.read(r.get("payload"), Wake.class).id())
        .containsOnly(StreamMessage.wakeId("papers", "9aeb0fdf-c01e-0131-0922-9eb54906e209"));
  }

  @Test
  void givenACloudEventOnATopic_whenTriggered_thenOnlyThatTenantsSubscribersAreWoken() {
    subscribe(ACME, C1, "papers");
    subscribe(ACME, C2, "papers");
    subscribe(TenantId.of("globex"), OTHER_TENANT, "papers");
    subscribe(ACME, OTHER_TOPIC, "patents");

    StreamIngest.Outcome outcome =
        eventGrid.accept(StreamTestBed.payload("cloudevents-event.json"), durable);

    assertThat(outcome).isEqualTo(StreamIngest.Outcome.DELIVERED);
    assertThat(durable.raised)
        .extracting(r -> r.get("instance"))
        .containsExactlyInAnyOrder(C1.value(), C2.value());
    assertThat(durable.raised)
        .extracting(r -> Json.read(r.get("payload"), Wake.class).id())
        .containsOnly(StreamMessage.wakeId("papers", "preprint-42"));
  }

  @Test
  void givenAServiceBusMessageWithoutMessageId_whenTriggered_thenTheWakeIdComesFromTheMessageId() {
    subscribe(ACME, C1, "papers");
    JsonNode metadata = Json.tree(StreamTestBed.payload("servicebus-metadata.json"));
    String messageId = metadata.path("MessageId").asText();

    serviceBus.fromQueue(
        StreamTestBed.payload("servicebus-message.json"), messageId, durable.context(), null);
    serviceBus.fromTopic(
        StreamTestBed.payload("servicebus-message.json"), messageId, durable.context(), null);

    assertThat(durable.raised).hasSize(2);
    assertThat(durable.raised).extracting(r -> r.get("instance")).containsOnly(C1.value());
    assertThat(durable.raised)
        .extracting(r -> Json.read(r.get("payload"), Wake.class).id())
        .containsOnly(StreamMessage.wakeId("papers", messageId));
  }

  @Test
  void givenAPoisonServiceBusMessage_whenTriggered_thenItIsDeadLetteredAndTheInvocationSucceeds() {
    subscribe(ACME, C1, "papers");
    String poison = StreamTestBed.payload("servicebus-poison.json");

    StreamIngest.Outcome outcome = serviceBus.accept(poison, "poison-1", durable);
    serviceBus.fromQueue(poison, "poison-2", durable.context(), null); // returns: completed

    assertThat(outcome).isEqualTo(StreamIngest.Outcome.DEAD_LETTERED);
    assertThat(durable.raised).isEmpty();
    var letters = StreamTestBed.peek(deadLetterQueue);
    assertThat(letters).hasSize(2);
    JsonNode letter = letters.getFirst();
    assertThat(letter.path("source").asText()).isEqualTo("servicebus");
    assertThat(letter.path("recordId").asText()).isEqualTo("poison-1");
    assertThat(letter.path("raw").asText()).isEqualTo(poison);
    assertThat(letter.path("error").asText()).startsWith("/");
    assertThat(letter.path("receivedAt").asText()).isEqualTo(clock.instant().toString());
  }

  @Test
  void givenAnEventThatIsNotJson_whenTriggered_thenItIsDeadLetteredAsEventGrid() {
    StreamIngest.Outcome outcome = eventGrid.accept("{not json", durable);

    assertThat(outcome).isEqualTo(StreamIngest.Outcome.DEAD_LETTERED);
    assertThat(StreamTestBed.peek(deadLetterQueue))
        .extracting(l -> l.path("source").asText() + " " + l.path("recordId").asText())
        .containsExactly("eventgrid unknown");
  }

  @Test
  void
      givenTheDurableBackendFails_whenAMessageIsDelivered_thenTheInvocationThrowsAndKeepsNothing() {
    durable.raiseFailure = new IllegalStateException("task hub unavailable");
    String message = StreamTestBed.payload("servicebus-message.json");
    subscribe(ACME, C1, "papers");

    assertThatThrownBy(() -> serviceBus.fromQueue(message, "m-1", durable.context(), null))
        .hasMessageContaining("task hub unavailable");
    assertThatThrownBy(
            () ->
                eventGrid.run(
                    StreamTestBed.payload("eventgrid-event.json"), durable.context(), null))
        .hasMessageContaining("task hub unavailable");
    assertThat(StreamTestBed.peek(deadLetterQueue)).as("retried, not dead-lettered").isEmpty();
  }

  private void subscribe(TenantId tenant, ContinuationId id, String topic) {
    subscriptions.subscribe(new ContinuationRef(tenant, id), Set.of(topic), 5);
  }
}
