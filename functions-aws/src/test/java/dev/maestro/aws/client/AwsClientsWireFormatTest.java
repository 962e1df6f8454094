package dev.maestro.aws.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.LocalAwsServer.Recorded;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The Scheduler, Step Functions and Firehose clients against a local HTTP server that answers in
 * each service's documented wire format (success and error bodies). It exercises the real SDK
 * signer and HTTP client and asserts every request field by field, including the shape of the SigV4
 * {@code Authorization} header. It does not exercise the real services: nothing here proves AWS
 * accepts the signature or the bodies, only that they are what the API references document.
 */
class AwsClientsWireFormatTest {

  private static final Instant SIGNED_AT = Instant.parse("2026-03-01T09:00:00Z");

  private LocalAwsServer server;
  private final List<Duration> sleeps = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private AwsJsonClient client(String signingName, Function<Recorded, Reply> handler) {
    server = LocalAwsServer.start(handler);
    return new AwsJsonClient(
        server.endpoint("eu-west-1"),
        signingName,
        UrlConnectionHttpClient.create(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
        AwsRetryPolicy.standard(),
        Clock.fixed(SIGNED_AT, ZoneOffset.UTC),
        sleeps::add,
        RandomGenerator.of("L64X128MixRandom"));
  }

  private static Function<Recorded, Reply> replies(Reply... replies) {
    Deque<Reply> queue = new ArrayDeque<>(List.of(replies));
    return r -> queue.size() > 1 ? queue.poll() : queue.peek();
  }

  private static void assertSigned(Recorded request, String service) {
    assertThat(request.header("x-amz-date")).isEqualTo("20260301T090000Z");
    assertThat(request.header("authorization"))
        .matches(
            "AWS4-HMAC-SHA256 Credential=AKID/20260301/eu-west-1/"
                + service
                + "/aws4_request, SignedHeaders=([a-z0-9-]+;)*host(;[a-z0-9-]+)*;x-amz-date(;[a-z0-9-]+)*,"
                + " Signature=[0-9a-f]{64}");
  }

  private static SchedulerClient.Schedule schedule() {
    return new SchedulerClient.Schedule(
        "mw-abc",
        "maestro-wakes",
        "at(2026-03-01T09:05:01)",
        "UTC",
        "DELETE",
        new SchedulerClient.Target(
            "arn:aws:states:eu-west-1:111122223333:stateMachine:tick",
            "arn:aws:iam::111122223333:role/scheduler",
            "{\"tenant\":\"acme\"}",
            86400,
            185,
            "arn:aws:sqs:eu-west-1:111122223333:wakes-dlq"),
        "c-token_1");
  }

  @Test
  void createSchedule_sendsTheDocumentedRestJsonRequest_againstDocumentedWireFormat() {
    var scheduler =
        new SchedulerClient(
            client(
                "scheduler",
                r ->
                    Reply.json(
                        200, "{\"ScheduleArn\":\"arn:aws:scheduler:x:schedule/g/mw-abc\"}")));

    String arn = scheduler.createSchedule(schedule());

    assertThat(arn).isEqualTo("arn:aws:scheduler:x:schedule/g/mw-abc");
    Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/schedules/mw-abc");
    assertThat(request.query()).isNull();
    assertThat(request.header("content-type")).isEqualTo("application/json");
    assertThat(request.header("x-amz-target")).isNull();
    assertSigned(request, "scheduler");
    var body = request.json();
    assertThat(body.get("ActionAfterCompletion").asText()).isEqualTo("DELETE");
    assertThat(body.get("ClientToken").asText()).isEqualTo("c-token_1");
    assertThat(body.get("FlexibleTimeWindow").get("Mode").asText()).isEqualTo("OFF");
    assertThat(body.get("GroupName").asText()).isEqualTo("maestro-wakes");
    assertThat(body.get("ScheduleExpression").asText()).isEqualTo("at(2026-03-01T09:05:01)");
    assertThat(body.get("ScheduleExpressionTimezone").asText()).isEqualTo("UTC");
    var target = body.get("Target");
    assertThat(target.get("Arn").asText()).endsWith(":stateMachine:tick");
    assertThat(target.get("RoleArn").asText()).endsWith(":role/scheduler");
    assertThat(target.get("Input").asText()).isEqualTo("{\"tenant\":\"acme\"}");
    assertThat(target.get("RetryPolicy").get("MaximumEventAgeInSeconds").asInt()).isEqualTo(86400);
    assertThat(target.get("RetryPolicy").get("MaximumRetryAttempts").asInt()).isEqualTo(185);
    assertThat(target.get("DeadLetterConfig").get("Arn").asText()).endsWith(":wakes-dlq");
  }

  @Test
  void updateSchedule_isAPutOfTheWholeDefinition_againstDocumentedWireFormat() {
    var scheduler =
        new SchedulerClient(client("scheduler", r -> Reply.json(200, "{\"ScheduleArn\":\"a\"}")));

    scheduler.updateSchedule(schedule());

    Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.path()).isEqualTo("/schedules/mw-abc");
    assertThat(request.json().get("ScheduleExpression").asText())
        .isEqualTo("at(2026-03-01T09:05:01)");
    assertSigned(request, "scheduler");
  }

  @Test
  void createSchedule_whenTheNameIsTaken_thenConflictIs409AndNotRetried() {
    var scheduler =
        new SchedulerClient(
            client(
                "scheduler",
                r -> Reply.restError(409, "ConflictException", "Schedule mw-abc already exists.")));

    assertThatThrownBy(() -> scheduler.createSchedule(schedule()))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo("ConflictException");
              assertThat(e.serviceMessage()).isEqualTo("Schedule mw-abc already exists.");
              assertThat(e.retryable()).isFalse();
            });
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void deleteSchedule_sendsGroupAndTokenAsQuery_andANotFoundIsFalseNotAnError() {
    var scheduler =
        new SchedulerClient(
            client(
                "scheduler",
                replies(
                    new Reply(200, java.util.Map.of(), ""),
                    Reply.restError(
                        404,
                        "ResourceNotFoundException:http://internal.amazon.com/coral/",
                        "Schedule mw-abc does not exist."))));

    assertThat(scheduler.deleteSchedule("mw-abc", "maestro-wakes", "d-1")).isTrue();
    assertThat(scheduler.deleteSchedule("mw-abc", "maestro-wakes", null)).isFalse();

    Recorded first = server.requests().get(0);
    assertThat(first.method()).isEqualTo("DELETE");
    assertThat(first.path()).isEqualTo("/schedules/mw-abc");
    assertThat(first.query()).isEqualTo("clientToken=d-1&groupName=maestro-wakes");
    assertThat(first.body()).isEmpty();
    assertSigned(first, "scheduler");
    assertThat(server.requests().get(1).query()).isEqualTo("groupName=maestro-wakes");
  }

  @Test
  void getSchedule_readsTheDescription_andNotFoundIsEmpty() {
    var scheduler =
        new SchedulerClient(
            client(
                "scheduler",
                replies(
                    Reply.json(200, "{\"Name\":\"mw-abc\",\"State\":\"ENABLED\"}"),
                    Reply.restError(404, "ResourceNotFoundException", "gone"))));

    assertThat(scheduler.getSchedule("mw-abc", "g"))
        .get()
        .satisfies(n -> assertThat(n.get("State").asText()).isEqualTo("ENABLED"));
    assertThat(scheduler.getSchedule("mw-abc", "g")).isEmpty();
    assertThat(server.requests().get(0).method()).isEqualTo("GET");
    assertThat(server.requests().get(0).query()).isEqualTo("groupName=g");
  }

  @Test
  void atExpression_isUtcWithWholeSeconds_roundedUpSoItNeverFiresEarly() {
    assertThat(SchedulerClient.atExpression(Instant.parse("2026-03-01T09:05:00Z")))
        .isEqualTo("at(2026-03-01T09:05:00)");
    assertThat(SchedulerClient.atExpression(Instant.parse("2026-03-01T09:05:00.000000001Z")))
        .isEqualTo("at(2026-03-01T09:05:01)");
    assertThat(SchedulerClient.atExpression(Instant.parse("2026-12-31T23:59:59.5Z")))
        .isEqualTo("at(2027-01-01T00:00:00)");
  }

  @Test
  void startExecution_sendsAwsJson10WithTheTarget_againstDocumentedWireFormat() {
    var sfn =
        new StepFunctionsClient(
            client(
                "states",
                r ->
                    new Reply(
                        200,
                        java.util.Map.of("Content-Type", "application/x-amz-json-1.0"),
                        "{\"executionArn\":\"arn:aws:states:eu-west-1:1:execution:tick:mw-1\","
                            + "\"startDate\":1.772355600125E9}")));

    var started =
        sfn.startExecution(
            "arn:aws:states:eu-west-1:1:stateMachine:tick", "mw-1", "{\"a\":1}", "Root=1-abc");

    assertThat(started.executionArn()).endsWith(":execution:tick:mw-1");
    assertThat(started.startDate()).isEqualTo(Instant.parse("2026-03-01T09:00:00.125Z"));
    Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/");
    assertThat(request.header("x-amz-target")).isEqualTo("AWSStepFunctions.StartExecution");
    assertThat(request.header("content-type")).isEqualTo("application/x-amz-json-1.0");
    assertSigned(request, "states");
    var body = request.json();
    assertThat(body.get("stateMachineArn").asText()).endsWith(":stateMachine:tick");
    assertThat(body.get("name").asText()).isEqualTo("mw-1");
    assertThat(body.get("input").asText()).isEqualTo("{\"a\":1}");
    assertThat(body.get("traceHeader").asText()).isEqualTo("Root=1-abc");
    assertThat(body.size()).isEqualTo(4);
  }

  @Test
  void awsJsonErrors_takeTheCodeFromTypeWithoutNamespace_andA400IsNotRetried() {
    var sfn =
        new StepFunctionsClient(
            client(
                "states",
                r ->
                    Reply.jsonError(
                        400,
                        "com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists",
                        "Execution Already Exists")));

    assertThatThrownBy(() -> sfn.startExecution("arn:sm", "mw-1", "{}"))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("ExecutionAlreadyExists");
              assertThat(e.serviceMessage()).isEqualTo("Execution Already Exists");
              assertThat(e.retryable()).isFalse();
            });
    assertThat(server.requests()).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void throttlingAndServerErrors_areRetriedWithBoundedFullJitter_thenSucceed() {
    var sfn =
        new StepFunctionsClient(
            client(
                "states",
                replies(
                    Reply.jsonError(429, "ThrottlingException", "Rate exceeded"),
                    Reply.jsonError(500, "InternalServerError", "oops"),
                    Reply.jsonError(400, "ThrottlingException", "Rate exceeded"),
                    Reply.json(200, "{\"executionArn\":\"e\",\"startDate\":1}"))));

    var started = sfn.startExecution("arn:sm", "mw-1", "{}");

    assertThat(started.executionArn()).isEqualTo("e");
    assertThat(server.requests()).hasSize(4);
    assertThat(server.requests())
        .extracting(Recorded::body)
        .containsOnly("{\"stateMachineArn\":\"arn:sm\",\"name\":\"mw-1\",\"input\":\"{}\"}");
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(50));
    assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(100));
    assertThat(sleeps.get(2)).isBetween(Duration.ZERO, Duration.ofMillis(200));
  }

  @Test
  void serverErrors_whenTheyPersist_stopAfterMaxAttemptsAsRetryable() {
    var sfn =
        new StepFunctionsClient(
            client("states", r -> Reply.jsonError(500, "InternalServerError", "down")));

    assertThatThrownBy(() -> sfn.startExecution("arn:sm", null, "{}"))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(500);
              assertThat(e.retryable()).isTrue();
            });
    assertThat(server.requests()).hasSize(AwsRetryPolicy.standard().maxAttempts());
  }

  @Test
  void transportFailures_areRetriedAndSurfaceAsTransportError() {
    server = LocalAwsServer.start(r -> Reply.json(200, "{}"));
    URI closed = server.endpoint("eu-west-1").uri();
    server.close();
    var client =
        new AwsJsonClient(
            AwsEndpoint.override("eu-west-1", closed),
            "states",
            UrlConnectionHttpClient.create(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")),
            new AwsRetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10)),
            Clock.systemUTC(),
            sleeps::add,
            RandomGenerator.of("L64X128MixRandom"));

    assertThatThrownBy(
            () -> client.callTarget("1.0", "AWSStepFunctions.StartExecution", Json().objectNode()))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(AwsCallException.TRANSPORT_ERROR);
              assertThat(e.retryable()).isTrue();
            });
    assertThat(sleeps).hasSize(2);
    server = null;
  }

  private static com.fasterxml.jackson.databind.node.JsonNodeFactory Json() {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
  }

  @Test
  void errorCodes_dropNamespaceAndSuffix() {
    assertThat(AwsJsonClient.errorCode("aws.protocoltests.restjson#FooError:http://x/"))
        .isEqualTo("FooError");
    assertThat(AwsJsonClient.errorCode("ValidationException")).isEqualTo("ValidationException");
    assertThat(AwsJsonClient.errorCode("com.amazon#ConflictException"))
        .isEqualTo("ConflictException");
  }

  @Test
  void putRecordBatch_sendsAwsJson11WithBase64Data_againstDocumentedWireFormat() {
    var firehose =
        new FirehoseClient(
            client(
                "firehose",
                r ->
                    Reply.json(
                        200,
                        "{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":"
                            + "[{\"RecordId\":\"r1\"},{\"RecordId\":\"r2\"}]}")));

    var result = firehose.putRecordBatch("cdc", List.of(bytes("one\n"), bytes("two\n")));

    assertThat(result.allAccepted()).isTrue();
    assertThat(result.accepted()).isEqualTo(2);
    Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/");
    assertThat(request.header("x-amz-target")).isEqualTo("Firehose_20150804.PutRecordBatch");
    assertThat(request.header("content-type")).isEqualTo("application/x-amz-json-1.1");
    assertSigned(request, "firehose");
    var body = request.json();
    assertThat(body.get("DeliveryStreamName").asText()).isEqualTo("cdc");
    assertThat(body.get("Records")).hasSize(2);
    assertThat(body.get("Records").get(0).get("Data").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(bytes("one\n")));
  }

  @Test
  void putRecordBatch_whenSomeRecordsFail_thenOnlyThoseAreSentAgain() {
    var firehose =
        new FirehoseClient(
            client(
                "firehose",
                replies(
                    Reply.json(
                        200,
                        "{\"FailedPutCount\":2,\"RequestResponses\":[{\"RecordId\":\"a\"},"
                            + "{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"slow\"},"
                            + "{\"RecordId\":\"c\"},"
                            + "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"}]}"),
                    Reply.json(
                        200,
                        "{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"b\"},"
                            + "{\"RecordId\":\"d\"}]}"))),
            4,
            sleeps::add,
            RandomGenerator.of("L64X128MixRandom"));

    var result =
        firehose.putRecordBatch("cdc", List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d")));

    assertThat(result.allAccepted()).isTrue();
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1).json().get("Records"))
        .extracting(n -> new String(Base64.getDecoder().decode(n.get("Data").asText())))
        .containsExactly("b", "d");
  }

  @Test
  void putRecordBatch_whenRecordsKeepFailing_thenTheyAreReportedAfterBoundedRounds() {
    var firehose =
        new FirehoseClient(
            client(
                "firehose",
                r ->
                    Reply.json(
                        200,
                        "{\"FailedPutCount\":1,\"RequestResponses\":"
                            + "[{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"slow\"}]}")),
            3,
            sleeps::add,
            RandomGenerator.of("L64X128MixRandom"));

    var result = firehose.putRecordBatch("cdc", List.of(bytes("x")));

    assertThat(result.accepted()).isZero();
    assertThat(result.failed())
        .containsExactly(new FirehoseClient.FailedRecord(0, "ServiceUnavailableException", "slow"));
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void putRecordBatch_splitsAt500RecordsAnd4MiB() {
    List<byte[]> many = IntStream.range(0, 1200).mapToObj(i -> bytes("r" + i)).toList();
    assertThat(FirehoseClient.chunks(IntStream.range(0, 1200).boxed().toList(), many))
        .extracting(List::size)
        .containsExactly(500, 500, 200);

    List<byte[]> big =
        IntStream.range(0, 5).mapToObj(i -> new byte[FirehoseClient.MAX_RECORD_BYTES]).toList();
    assertThat(FirehoseClient.chunks(IntStream.range(0, 5).boxed().toList(), big))
        .extracting(List::size)
        .containsExactly(4, 1);

    var firehose =
        new FirehoseClient(
            client(
                "firehose",
                r -> {
                  int n = r.json().get("Records").size();
                  return Reply.json(
                      200,
                      "{\"FailedPutCount\":0,\"RequestResponses\":["
                          + String.join(
                              ",", java.util.Collections.nCopies(n, "{\"RecordId\":\"x\"}"))
                          + "]}");
                }));
    assertThat(firehose.putRecordBatch("cdc", many).accepted()).isEqualTo(1200);
    assertThat(server.requests())
        .extracting(r -> r.json().get("Records").size())
        .containsExactly(500, 500, 200);
  }

  @Test
  void putRecordBatch_refusesARecordOverTheServiceLimit() {
    var firehose = new FirehoseClient(client("firehose", r -> Reply.json(200, "{}")));

    assertThatThrownBy(
            () ->
                firehose.putRecordBatch(
                    "cdc", List.of(new byte[FirehoseClient.MAX_RECORD_BYTES + 1])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(server.requests()).isEmpty();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
