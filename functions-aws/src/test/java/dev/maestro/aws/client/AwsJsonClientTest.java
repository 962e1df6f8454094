package dev.maestro.aws.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.aws.client.LocalAwsServer.Reply;
import dev.maestro.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * {@link AwsJsonClient} behaviour not tied to one service's shapes: an already-encoded path reaches
 * the server as sent, and a success status with a body that is not JSON is a failure, not an empty
 * answer. Against a local HTTP server, not AWS.
 */
class AwsJsonClientTest {

  private LocalAwsServer server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void givenAnEncodedColonInThePath_whenCalled_thenThePathArrivesAsSent() {
    server = LocalAwsServer.start(r -> Reply.json(200, "{\"ok\":true}"));

    var answer =
        server
            .client("bedrock", AwsRetryPolicy.none())
            .callRest(
                "Converse",
                SdkHttpMethod.POST,
                "/model/amazon.nova-lite-v1%3A0/converse",
                Map.of(),
                Json.tree("{}"));

    assertThat(answer.get("ok").asBoolean()).isTrue();
    assertThat(server.requests().get(0).path())
        .isEqualTo("/model/amazon.nova-lite-v1%3A0/converse");
  }

  @Test
  void givenASuccessBodyThatIsNotJson_whenCalled_thenAMalformedResponseIsThrownAndNotRetried() {
    server =
        LocalAwsServer.start(
            r -> new Reply(200, Map.of("Content-Type", "text/html"), "<html>proxy</html>"));

    assertThatThrownBy(
            () ->
                server
                    .client("states", AwsRetryPolicy.standard())
                    .callTarget("1.0", "AWSStepFunctions.StartExecution", Json.tree("{}")))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(200);
              assertThat(e.errorCode()).isEqualTo(AwsCallException.MALFORMED_RESPONSE);
              assertThat(e.serviceMessage()).contains("<html>proxy</html>");
              assertThat(e.retryable()).isFalse();
            });
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void givenAnEmptySuccessBody_whenCalled_thenTheAnswerIsAnEmptyObject() {
    server = LocalAwsServer.start(r -> new Reply(200, Map.of(), ""));

    var answer =
        server
            .client("scheduler", AwsRetryPolicy.none())
            .callRest("DeleteSchedule", SdkHttpMethod.DELETE, "/schedules/x", Map.of(), null);

    assertThat(answer.isObject()).isTrue();
    assertThat(answer.isEmpty()).isTrue();
  }
}
