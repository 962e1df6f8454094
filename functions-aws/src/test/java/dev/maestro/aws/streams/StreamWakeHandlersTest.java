package dev.maestro.aws.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.stream.StreamMessages;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.WakeKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The SQS, Kinesis and EventBridge wake handlers driven by event files in the documented formats,
 * with the subscriptions index and the dead letters on DynamoDB Local.
 */
class StreamWakeHandlersTest {

  static final TenantId ACME = TenantId.of("acme");
  static final TenantId GLOBEX = TenantId.of("globex");
  static final ContinuationId ADDRESSED = ContinuationId.of("0190a1b2-0000-7000-8000-00000000000a");
  static final ContinuationId SUB_1 = ContinuationId.of("0190a1b2-0000-7000-8000-000000000001");
  static final ContinuationId SUB_2 = ContinuationId.of("0190a1b2-0000-7000-8000-000000000002");
  static final ContinuationId OTHER_TENANT =
      ContinuationId.of("0190a1b2-0000-7000-8000-000000000003");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:05Z"), ZoneOffset.UTC);

  private static DynamoDbLocalFixture dynamo;
  private DynamoTables tables;
  private DynamoSubscriptions subscriptions;
  private RecordingWakeSink sink;
  private StreamIngest ingest;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocalFixture.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  @BeforeEach
  void freshTables() {
    tables = dynamo.freshTables("streams");
    subscriptions = new DynamoSubscriptions(dynamo.client(), tables);
    subscriptions.subscribe(new ContinuationRef(ACME, SUB_1), Set.of("papers"), 5);
    subscriptions.subscribe(new ContinuationRef(ACME, SUB_2), Set.of("papers", "patents"), 7);
    subscriptions.subscribe(new ContinuationRef(GLOBEX, OTHER_TENANT), Set.of("papers"), 3);
    sink = new RecordingWakeSink();
    ingest = new StreamIngest(subscriptions, sink, new DynamoDeadLetters(dynamo.client(), tables));
  }

  // ---- SQS ----

  @Test
  void
      givenTheSqsFile_whenHandled_thenAddressedAndFannedOutWakesAreDeliveredAndPoisonIsDeadLettered() {
    SQSEvent event = LambdaEvents.read("sqs-stream-wake.json", SQSEvent.class);

    SQSBatchResponse response = new SqsWakeHandler(ingest, CLOCK).handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    var addressed = deliveriesTo(ADDRESSED);
    assertThat(addressed).hasSize(1);
    var wake = addressed.get(0).wake();
    assertThat(wake.kind()).isEqualTo(WakeKind.STREAM);
    assertThat(wake.channel()).isEqualTo("papers");
    assertThat(wake.id()).isEqualTo(StreamMessage.wakeId("papers", "m-1"));
    assertThat(wake.payload().path("doi").asText()).isEqualTo("10.1000/xyz");
    assertThat(wake.at()).isEqualTo(Instant.ofEpochMilli(1545082649183L));
    // Fan-out: the message without continuation_id reaches acme's subscribers only.
    String fanOutId = StreamMessage.wakeId("papers", "2e1424d4-f796-459a-8184-9c92662be6da");
    assertThat(sink.deliveries.stream().filter(d -> d.wake().id().equals(fanOutId)))
        .extracting(d -> d.ref())
        .containsExactly(new ContinuationRef(ACME, SUB_1), new ContinuationRef(ACME, SUB_2));
    assertThat(sink.deliveries).noneMatch(d -> d.ref().tenant().equals(GLOBEX));
    var letters = deadLetters();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).get("source").s()).isEqualTo("sqs");
    assertThat(letters.get(0).get("recordId").s())
        .isEqualTo("8d3a4c5e-5b0f-4a4e-9a8e-1f2d3c4b5a69");
    assertThat(letters.get(0).get("raw").s()).isEqualTo("this is not json");
    assertThat(letters.get(0).get("pk").s()).isEqualTo("sqs#2018-12-17");
    assertThat(letters.get(0).get(DynamoDeadLetters.EXPIRES_AT).n())
        .isEqualTo(Long.toString(1545082651L + 14 * 86_400));
  }

  @Test
  void givenTheSameSqsBatchTwice_whenHandled_thenEveryWakeKeepsItsIdAndTheDeadLetterIsReplaced() {
    SQSEvent event = LambdaEvents.read("sqs-stream-wake.json", SQSEvent.class);
    var handler = new SqsWakeHandler(ingest, CLOCK);

    handler.handleRequest(event, null);
    var first = sink.deliveries.stream().map(d -> d.wake().id()).toList();
    sink.deliveries.clear();
    handler.handleRequest(event, null);

    assertThat(sink.deliveries.stream().map(d -> d.wake().id()).toList()).isEqualTo(first);
    assertThat(deadLetters()).hasSize(1);
  }

  @Test
  void givenASchedulerFailureForOneMessage_whenHandled_thenOnlyThatMessageIdIsABatchItemFailure() {
    SQSEvent event = LambdaEvents.read("sqs-stream-wake.json", SQSEvent.class);
    sink.failWhen(wake -> wake.id().equals(StreamMessage.wakeId("papers", "m-1")));

    SQSBatchResponse response = new SqsWakeHandler(ingest, CLOCK).handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("059f36b4-87a3-44ab-83d2-661975830a7d");
    assertThat(sink.deliveries).hasSize(2); // the fan-out still went out
    assertThat(deadLetters()).hasSize(1);
  }

  // ---- Kinesis ----

  @Test
  void givenTheKinesisFile_whenHandled_thenBase64DataIsDecodedAndThePoisonRecordDoesNotBlock() {
    KinesisEvent event = LambdaEvents.read("kinesis-stream-wake.json", KinesisEvent.class);

    StreamsEventResponse response =
        new KinesisWakeHandler(ingest, CLOCK).handleRequest(event, null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(deliveriesTo(ADDRESSED))
        .extracting(d -> d.wake().id())
        .containsExactly(StreamMessage.wakeId("papers", "m-1"));
    // The fan-out record comes after the poison one and its id defaults to the sequence number.
    String fanOutId =
        StreamMessage.wakeId("papers", "49590338271490256608559692541114932111202934987654321234");
    assertThat(sink.deliveries.stream().filter(d -> d.wake().id().equals(fanOutId))).hasSize(2);
    var letters = deadLetters();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).get("error").s()).contains("/tenant");
  }

  @Test
  void givenAFailureOnTheFirstRecord_whenHandled_thenItsSequenceIsReportedAndNothingAfterRuns() {
    KinesisEvent event = LambdaEvents.read("kinesis-stream-wake.json", KinesisEvent.class);
    sink.failWhen(wake -> wake.id().equals(StreamMessage.wakeId("papers", "m-1")));

    StreamsEventResponse response =
        new KinesisWakeHandler(ingest, CLOCK).handleRequest(event, null);

    assertThat(response.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("49590338271490256608559692538361571095921575989136588898");
    assertThat(sink.deliveries).isEmpty();
    assertThat(deadLetters()).isEmpty();
  }

  // ---- EventBridge ----

  @Test
  void givenTheEventBridgeFile_whenHandled_thenTheDetailFansOutWithTheEventIdAsMessageId()
      throws Exception {
    var out = new ByteArrayOutputStream();

    new EventBridgeWakeHandler(ingest, CLOCK)
        .handleRequest(input(LambdaEvents.text("eventbridge-stream-wake.json")), out, null);

    String id = StreamMessage.wakeId("papers", "6a7e8feb-b491-4cf7-a9f1-bf3703467718");
    assertThat(sink.deliveries).extracting(d -> d.ref().id()).containsExactly(SUB_1, SUB_2);
    assertThat(sink.deliveries).allMatch(d -> d.wake().id().equals(id));
    assertThat(sink.deliveries.get(0).wake().at()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("delivered");
  }

  @Test
  void givenAnEventBridgeEventWithoutDetail_whenHandled_thenItIsDeadLetteredAndSucceeds()
      throws Exception {
    String raw = LambdaEvents.text("eventbridge-stream-wake.json").replace("\"detail\"", "\"x\"");

    new EventBridgeWakeHandler(ingest, CLOCK)
        .handleRequest(input(raw), new ByteArrayOutputStream(), null);

    assertThat(sink.deliveries).isEmpty();
    assertThat(deadLetters())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.get("source").s()).isEqualTo("eventbridge");
              assertThat(l.get("error").s()).startsWith("/detail");
            });
  }

  @Test
  void givenASchedulerFailure_whenAnEventBridgeEventIsHandled_thenItThrowsForLambdasRetry() {
    sink.failWhen(wake -> true);
    var handler = new EventBridgeWakeHandler(ingest, CLOCK);

    assertThatThrownBy(
            () ->
                handler.handleRequest(
                    input(LambdaEvents.text("eventbridge-stream-wake.json")),
                    new ByteArrayOutputStream(),
                    null))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- production sink ----

  @Test
  void givenTheSchedulerSink_whenAWakeIsDeliveredTwice_thenOnePendingWakeIsRegisteredDueNow() {
    var scheduler = new DynamoSubstrate(dynamo.client(), tables).substrate().scheduler();
    var sink = new SchedulerWakeSink(scheduler, CLOCK);
    var ref = new ContinuationRef(ACME, ADDRESSED);
    var message =
        StreamMessages.parse(
            "{\"tenant\":\"acme\",\"topic\":\"papers\",\"message_id\":\"m-9\",\"body\":{}}", null);

    sink.deliver(ref, message.toWake(CLOCK.instant()));
    sink.deliver(ref, message.toWake(CLOCK.instant()));

    assertThat(scheduler.pending(ACME, ADDRESSED))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.dueAt()).isEqualTo(CLOCK.instant());
              assertThat(w.wake().id()).isEqualTo(StreamMessage.wakeId("papers", "m-9"));
            });
  }

  private List<RecordingWakeSink.Delivery> deliveriesTo(ContinuationId id) {
    return sink.deliveries.stream().filter(d -> d.ref().id().equals(id)).toList();
  }

  private List<Map<String, AttributeValue>> deadLetters() {
    return dynamo
        .client()
        .scan(ScanRequest.builder().tableName(tables.deadLetters()).consistentRead(true).build())
        .items();
  }

  private static ByteArrayInputStream input(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
