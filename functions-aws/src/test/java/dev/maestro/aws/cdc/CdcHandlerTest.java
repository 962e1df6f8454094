package dev.maestro.aws.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.aws.streams.DynamoDeadLetters;
import dev.maestro.aws.streams.DynamoSubscriptions;
import dev.maestro.aws.streams.LambdaEvents;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.facts.FactRows;
import dev.maestro.core.facts.Lifecycle;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SubscriptionIndexer;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.stream.WakeSink;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The CDC handler over DynamoDB Streams records in the documented shape, with the subscriptions
 * index and dead letters on DynamoDB Local, and its fact rows loaded into SQLite with the DDL of
 * {@code eval/sql/} to run the example queries.
 */
class CdcHandlerTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T13:00:00Z"), ZoneOffset.UTC);

  private static DynamoDbLocalFixture dynamo;
  private DynamoTables tables;
  private DynamoSubscriptions subscriptions;
  private InMemoryFactSink facts;
  private final List<Delivery> published = new ArrayList<>();

  record Delivery(ContinuationRef ref, Wake wake) {}

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
    tables = dynamo.freshTables("cdc");
    subscriptions = new DynamoSubscriptions(dynamo.client(), tables);
    facts = new InMemoryFactSink();
  }

  @Test
  void givenTheDocumentedStreamFile_whenRead_thenTheNewImageBodyIsTheSpawnEvent() {
    DynamodbEvent event = LambdaEvents.read("dynamodb-stream-events.json", DynamodbEvent.class);

    var record = event.getRecords().get(0);
    assertThat(record.getEventName()).isEqualTo("INSERT");
    assertThat(record.getDynamodb().getSequenceNumber()).isEqualTo("111100000000000000000001");
    EventEnvelope envelope = CdcHandler.envelope(record);
    assertThat(envelope).isEqualTo(Lifecycle.events().get(0));
    assertThat(envelope.hashIsValid()).isTrue();

    var response = handler(subscriptions).handleRequest(event, null);
    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(rows())
        .extracting(r -> r.path("table").asText())
        .containsExactly(FactRows.LIFECYCLE);
  }

  @Test
  void givenASleepOnAStream_whenCaptured_thenTheIndexNamesTheContinuationUntilItEnds() {
    var events = Lifecycle.events();

    handler(subscriptions).handleRequest(stream(events.subList(0, 5)), null);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).containsExactly(Lifecycle.ID);
    assertThat(subscriptions.subscribers(TenantId.of("globex"), "papers")).isEmpty();

    // The wake keeps it subscribed through the tick (a message arriving mid-tick is retried)...
    handler(subscriptions).handleRequest(stream(events.subList(5, 6)), null);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).containsExactly(Lifecycle.ID);
    // ...and the tick's end (here: complete) removes it.
    handler(subscriptions).handleRequest(stream(events.subList(6, events.size())), null);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).isEmpty();
  }

  @Test
  void givenTheWholeLogReplayed_whenCapturedAgain_thenTheRowsAreIdenticalAndTheIndexStaysEmpty() {
    var events = Lifecycle.events();
    handler(subscriptions).handleRequest(stream(events), null);
    var first = texts();
    facts.records.clear();

    handler(subscriptions).handleRequest(stream(events), null);
    // An older sleep replayed alone after its wake must not resurrect the subscription.
    handler(subscriptions).handleRequest(stream(events.subList(4, 5)), null);

    assertThat(texts().subList(0, first.size())).isEqualTo(first);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).isEmpty();
  }

  @Test
  void givenASleepThatChangesTopics_whenCaptured_thenOnlyTheNewTopicsRemain() {
    var ref = new ContinuationRef(Lifecycle.TENANT, Lifecycle.ID);
    subscriptions.subscribe(ref, Set.of("papers", "patents"), 5);
    subscriptions.subscribe(ref, Set.of("patents", "trials"), 9);
    subscriptions.subscribe(ref, Set.of("papers"), 7); // older: ignored

    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "papers")).isEmpty();
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "patents"))
        .containsExactly(Lifecycle.ID);
    assertThat(subscriptions.subscribers(Lifecycle.TENANT, "trials")).containsExactly(Lifecycle.ID);
  }

  @Test
  void givenTheLifecycle_whenCaptured_thenRowsHaveTheExpectedColumns() {
    handler(subscriptions).handleRequest(stream(Lifecycle.events()), null);

    var rows = rows();
    assertThat(rows).allMatch(r -> r.path("tenant").asText().equals("acme"));
    assertThat(rows.stream().filter(r -> r.path("table").asText().equals(FactRows.STEP)))
        .extracting(r -> r.path("event_type").asText())
        .containsExactly(
            "model_call", "budget_charge", "sleep", "tool_call", "budget_charge", "complete");
    assertThat(rows.stream().filter(r -> r.path("table").asText().equals(FactRows.LIFECYCLE)))
        .extracting(r -> r.path("event_type").asText() + ">" + r.path("status_after").asText())
        .containsExactly(
            "spawn>created", "wake>running", "sleep>waiting", "wake>running", "complete>completed");
    JsonNode sleep =
        rows.stream()
            .filter(r -> r.path("table").asText().equals(FactRows.STEP))
            .filter(r -> r.path("event_type").asText().equals("sleep"))
            .findFirst()
            .orElseThrow();
    assertThat(sleep.path("sequence").asLong()).isEqualTo(5);
    assertThat(sleep.path("wake_condition").asText()).isEqualTo("any_of");
    assertThat(sleep.path("wake_at_ms").asLong())
        .isEqualTo(Lifecycle.T0.plusSeconds(3600).toEpochMilli());
    assertThat(sleep.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sleep.path("occurred_at").asText()).isEqualTo("2024-05-01T12:00:04Z");
    assertThat(facts.records).allMatch(r -> r[r.length - 1] == '\n');
  }

  @Test
  void givenTheLifecycleRows_whenLoadedWithTheEvalDdl_thenTheExampleQueriesAnswer()
      throws Exception {
    handler(subscriptions).handleRequest(stream(Lifecycle.events()), null);

    try (Connection db = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      for (String table : List.of(FactRows.STEP, FactRows.LIFECYCLE)) {
        db.createStatement().execute(sql(table + ".sql"));
      }
      for (JsonNode row : rows()) insert(db, row);

      try (ResultSet r = db.createStatement().executeQuery(sql("lifecycle_durations.sql"))) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString("continuation_id")).isEqualTo(Lifecycle.ID.value());
        assertThat(r.getString("terminal_status")).isEqualTo("completed");
        assertThat(r.getLong("duration_ms")).isEqualTo(12_000);
        assertThat(r.getLong("wakes")).isEqualTo(2);
        assertThat(r.next()).isFalse();
      }
      try (ResultSet r = db.createStatement().executeQuery(sql("step_costs.sql"))) {
        assertThat(r.next()).isTrue();
        assertThat(r.getLong("ticks")).isEqualTo(2);
        assertThat(r.getLong("model_calls")).isEqualTo(1);
        assertThat(r.getLong("tool_calls")).isEqualTo(1);
        assertThat(r.getLong("tokens")).isEqualTo(1600);
        assertThat(r.getDouble("spent_usd"))
            .isCloseTo(0.015, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.next()).isFalse();
      }
    }
  }

  @Test
  void givenARecordThatIsNotAnEvent_whenCaptured_thenItIsDeadLetteredAndTheRestIsProcessed() {
    var events = Lifecycle.events();
    ObjectNode batch = streamJson(events.subList(0, 2));
    ((ObjectNode) batch.withArray("Records").get(0).path("dynamodb").path("NewImage").path("body"))
        .put("S", "{not an event");

    var response = handler(subscriptions).handleRequest(read(batch), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(rows()).extracting(r -> r.path("event_type").asText()).containsExactly("wake");
    var letters =
        dynamo.client().scan(ScanRequest.builder().tableName(tables.deadLetters()).build()).items();
    assertThat(letters)
        .singleElement()
        .satisfies(l -> assertThat(l.get("source").s()).isEqualTo("cdc"));
  }

  @Test
  void givenTheIndexFailsOnTheSleep_whenCaptured_thenItsSequenceIsReportedAndEarlierRowsAreSent() {
    var failing =
        new Subscriptions() {
          @Override
          public List<ContinuationId> subscribers(TenantId tenant, String topic) {
            return subscriptions.subscribers(tenant, topic);
          }

          @Override
          public void subscribe(ContinuationRef ref, Set<String> topics, long sequence) {
            throw new IllegalStateException("throttled");
          }

          @Override
          public void unsubscribe(ContinuationRef ref, long sequence) {
            subscriptions.unsubscribe(ref, sequence);
          }
        };

    StreamsEventResponse response =
        handler(failing).handleRequest(stream(Lifecycle.events()), null);

    assertThat(response.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(sequenceNumber(5));
    assertThat(rows()).extracting(r -> r.path("sequence").asLong()).containsOnly(1L, 2L, 3L, 4L);
  }

  @Test
  void givenTheFactSinkFails_whenCaptured_thenTheFirstRecordIsReported() {
    facts.failing = true;

    StreamsEventResponse response =
        handler(subscriptions).handleRequest(stream(Lifecycle.events()), null);

    assertThat(response.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(sequenceNumber(1));
  }

  @Test
  void
      givenASiblingWaitingOnATag_whenAPublishToItIsCaptured_thenThatSiblingAloneGetsAPublishWake() {
    EventEnvelope sleep = sibling(2, new WakeCondition.Publish("reviewed"));
    EventEnvelope otherTag = other(2, new WakeCondition.Publish("drafted"));
    EventEnvelope publish = publish(7, "reviewed");

    var response =
        handler(subscriptions).handleRequest(stream(List.of(sleep, otherTag, publish)), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
    assertThat(published)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.ref()).isEqualTo(new ContinuationRef(Lifecycle.TENANT, SIBLING));
              assertThat(d.wake().kind()).isEqualTo(WakeKind.PUBLISH);
              assertThat(d.wake().id()).isEqualTo(PublishFanout.wakeId(Lifecycle.ID, 7));
              assertThat(d.wake().payload().path("traceparent").asText())
                  .isEqualTo("00-" + publish.traceId() + "-" + publish.spanId() + "-01");
            });
  }

  @Test
  void givenAPublishRecordReplayed_whenCapturedAgain_thenTheSameWakeIdIsDeliveredAgain() {
    handler(subscriptions).handleRequest(stream(List.of(sibling(2, tag("reviewed")))), null);
    EventEnvelope publish = publish(7, "reviewed");

    handler(subscriptions).handleRequest(stream(List.of(publish)), null);
    handler(subscriptions).handleRequest(stream(List.of(publish)), null);

    assertThat(published)
        .extracting(d -> d.wake().id())
        .containsExactly(
            PublishFanout.wakeId(Lifecycle.ID, 7), PublishFanout.wakeId(Lifecycle.ID, 7));
  }

  @Test
  void givenTheSchedulerFailsOnTheWake_whenThePublishIsCaptured_thenItsSequenceIsReported() {
    handler(subscriptions).handleRequest(stream(List.of(sibling(2, tag("reviewed")))), null);

    StreamsEventResponse response =
        handler(
                subscriptions,
                (ref, wake) -> {
                  throw new IllegalStateException("scheduler unavailable");
                })
            .handleRequest(stream(List.of(publish(7, "reviewed"))), null);

    assertThat(response.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(sequenceNumber(7));
  }

  // ---- helpers ----

  private static final ContinuationId SIBLING =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b1");
  private static final ContinuationId OTHER =
      ContinuationId.of("0190a1b2-0000-7000-8000-0000000000b2");

  private static WakeCondition tag(String tag) {
    return new WakeCondition.Publish(tag);
  }

  private static EventEnvelope sibling(long sequence, WakeCondition until) {
    return event(SIBLING, sequence, new EventPayload.Slept(until, "waiting", null));
  }

  private static EventEnvelope other(long sequence, WakeCondition until) {
    return event(OTHER, sequence, new EventPayload.Slept(until, "waiting", null));
  }

  private static EventEnvelope publish(long sequence, String tag) {
    return event(
        Lifecycle.ID,
        sequence,
        new EventPayload.Published(tag, Json.mapper().createObjectNode().put("ok", true)));
  }

  private static EventEnvelope event(ContinuationId id, long sequence, EventPayload payload) {
    return EventEnvelope.seal(
        id,
        Lifecycle.TENANT,
        1,
        sequence,
        Lifecycle.T0.plusSeconds(sequence),
        id.traceId(),
        "00f067aa0ba902b7",
        dev.maestro.core.event.Runtime.MAESTRO,
        payload,
        EventEnvelope.GENESIS);
  }

  private CdcHandler handler(Subscriptions index) {
    return handler(index, (ref, wake) -> published.add(new Delivery(ref, wake)));
  }

  private CdcHandler handler(Subscriptions index, WakeSink sink) {
    return new CdcHandler(
        new SubscriptionIndexer(index),
        new PublishFanout(index, sink),
        facts,
        new DynamoDeadLetters(dynamo.client(), tables),
        CLOCK);
  }

  private static String sequenceNumber(long eventSequence) {
    return String.format("1111%020d", eventSequence);
  }

  /** The events as one stream batch, each record shaped like the documented file's record. */
  private static DynamodbEvent stream(List<EventEnvelope> events) {
    return read(streamJson(events));
  }

  private static DynamodbEvent read(ObjectNode json) {
    return LambdaEvents.fromJson(Json.write(json), DynamodbEvent.class);
  }

  private static ObjectNode streamJson(List<EventEnvelope> events) {
    JsonNode template = Json.tree(LambdaEvents.text("dynamodb-stream-events.json"));
    ObjectNode batch = Json.mapper().createObjectNode();
    ArrayNode records = batch.putArray("Records");
    for (EventEnvelope e : events) {
      ObjectNode record = template.path("Records").get(0).deepCopy();
      ObjectNode dynamodb = (ObjectNode) record.path("dynamodb");
      dynamodb.put("SequenceNumber", sequenceNumber(e.sequence()));
      dynamodb.put("ApproximateCreationDateTime", e.timestamp().getEpochSecond());
      ((ObjectNode) dynamodb.path("Keys").path("sk")).put("N", Long.toString(e.sequence()));
      ObjectNode image = (ObjectNode) dynamodb.path("NewImage");
      ((ObjectNode) image.path("sk")).put("N", Long.toString(e.sequence()));
      ((ObjectNode) image.path("generation")).put("N", Long.toString(e.generation()));
      ((ObjectNode) image.path("type")).put("S", e.type().wire());
      ((ObjectNode) image.path("hash")).put("S", e.hash());
      ((ObjectNode) image.path("body")).put("S", Json.write(e));
      records.add(record);
    }
    return batch;
  }

  private List<String> texts() {
    return facts.records.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
  }

  private List<JsonNode> rows() {
    return texts().stream().map(Json::tree).toList();
  }

  private static String sql(String file) throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("eval/sql"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("eval/sql not found above the working dir");
    return Files.readString(dir.resolve("eval/sql").resolve(file));
  }

  private static void insert(Connection db, JsonNode row) throws Exception {
    var columns = new ArrayList<String>();
    var values = new ArrayList<JsonNode>();
    for (Map.Entry<String, JsonNode> field : row.properties()) {
      if (field.getKey().equals("table")) continue;
      columns.add(field.getKey());
      values.add(field.getValue());
    }
    String sql =
        "INSERT INTO "
            + row.path("table").asText()
            + " ("
            + String.join(", ", columns)
            + ") VALUES ("
            + String.join(", ", columns.stream().map(c -> "?").toList())
            + ")";
    try (var statement = db.prepareStatement(sql)) {
      for (int i = 0; i < values.size(); i++) {
        JsonNode v = values.get(i);
        if (v.isBoolean()) statement.setBoolean(i + 1, v.booleanValue());
        else if (v.isIntegralNumber()) statement.setLong(i + 1, v.longValue());
        else if (v.isNumber()) statement.setBigDecimal(i + 1, v.decimalValue());
        else statement.setString(i + 1, v.asText());
      }
      statement.executeUpdate();
    }
  }
}
