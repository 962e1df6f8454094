package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.substrate.Observability;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import dev.maestro.local.runtime.WakeRecipes;
import dev.maestro.local.store.SqliteDeadLetters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /streams/{topic}} over real HTTP, on a running embedded runtime: the message wakes
 * the topic's subscribers whose predicate it matches, the tenant comes from the token, and bad
 * input is problem+json 400 naming the field, dead-lettered, delivering nothing.
 */
class StreamRouteTest {

  private static final Principal ACME = new Principal(TenantId.of("acme"), "alice", Set.of());

  @TempDir Path dir;
  private LocalRuntime runtime;
  private LocalJwtIssuer issuer;
  private HttpApiServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    runtime = LocalRuntime.start(LocalConfig.defaults(dir), Observability.NONE, WakeRecipes.all());
    issuer = LocalJwtIssuer.loadOrCreate(dir, "maestro-local", "maestro-api");
    var router = new ApiRouter(runtime.service(), issuer.identity(), WakeRecipes.all());
    server =
        HttpApiServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            router,
            issuer,
            new StreamRoute(
                issuer.identity(),
                runtime.streams(),
                runtime.deadLetters(),
                runtime.config().clock()));
  }

  @AfterEach
  void stop() {
    server.close();
    runtime.close();
  }

  @Test
  void givenAListenerOnTheTopic_whenAMatchingMessageIsPosted_thenItWakesAnd202CountsTheWake()
      throws Exception {
    ContinuationId listener =
        listener("papers", JsonNodeFactory.instance.objectNode().put("kind", "paper"));

    HttpResponse<String> response =
        post("/streams/papers", "{\"message_id\":\"m-1\",\"body\":{\"kind\":\"paper\"}}", "acme");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode json = Json.tree(response.body());
    assertThat(json.path("wakes").asInt()).isEqualTo(1);
    assertThat(json.path("message_id").asText()).isEqualTo("m-1");
    assertThat(json.path("wake_id").asText()).isEqualTo(StreamMessage.wakeId("papers", "m-1"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> WakeRecipes.wakeIds(runtime, ACME, listener).size() == 2);
  }

  @Test
  void givenAMessageNotMatchingThePredicate_whenPosted_thenTheListenerKeepsWaiting()
      throws Exception {
    ContinuationId listener =
        listener("papers", JsonNodeFactory.instance.objectNode().put("kind", "paper"));

    var response = post("/streams/papers", "{\"body\":{\"kind\":\"patent\"}}", "acme");

    assertThat(response.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                runtime.substrate().scheduler() instanceof dev.maestro.core.substrate.TimerQueue q
                    && q.pending(ACME.tenant(), listener).isEmpty());
    assertThat(WakeRecipes.wakeIds(runtime, ACME, listener)).containsExactly("start");
  }

  @Test
  void givenAnotherTenantsToken_whenPosted_thenNoListenerOfThisTenantWakes() throws Exception {
    listener("papers", JsonNodeFactory.instance.objectNode());

    var response = post("/streams/papers", "{\"body\":{}}", "globex");

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(Json.tree(response.body()).path("wakes").asInt()).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/streams/papers|not json|''",
        "/streams/papers|[1]|''",
        "/streams/papers|{\"body\":[1]}|/body",
        "/streams/papers|{}|/body",
        "/streams/papers|{\"body\":{},\"tenant\":\"globex\"}|/tenant",
        "/streams/papers|{\"body\":{},\"topic\":\"patents\"}|/topic",
        "/streams/papers|{\"body\":{},\"extra\":1}|/extra",
        "/streams/papers|{\"body\":{},\"continuation_id\":\"nope\"}|/continuation_id",
        "/streams/%23publish:done|{\"body\":{}}|/path/topic",
      })
  void givenBadInput_whenPosted_thenProblem400NamesTheFieldAndTheBodyIsDeadLettered(
      String path, String body, String pointer) throws Exception {
    listener("papers", JsonNodeFactory.instance.objectNode());

    HttpResponse<String> response = post(path, body, "acme");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(Json.tree(response.body()).path("errors").get(0).path("pointer").asText())
        .isEqualTo(pointer);
    List<DeadLetter> letters = ((SqliteDeadLetters) runtime.deadLetters()).list();
    assertThat(letters).singleElement().satisfies(l -> assertThat(l.raw()).isEqualTo(body));
  }

  @Test
  void givenNoToken_whenPosted_thenItIs401AndNothingIsKept() throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/streams/papers"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\":{}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(((SqliteDeadLetters) runtime.deadLetters()).list()).isEmpty();
  }

  @Test
  void givenTheWrongMethodOrMediaType_whenSent_thenItIs405Or415() throws Exception {
    var get =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/streams/papers"))
                .header("Authorization", "Bearer " + token("acme"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var text =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/streams/papers"))
                .header("Authorization", "Bearer " + token("acme"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\":{}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");
    assertThat(text.statusCode()).isEqualTo(415);
  }

  // ---- helpers ----

  private ContinuationId listener(String topic, JsonNode predicate) {
    ContinuationId id =
        runtime
            .service()
            .create(ACME, WakeRecipes.streamListener(topic, predicate), null)
            .continuation()
            .id();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> runtime.service().get(ACME, id).continuation().status() == Status.WAITING);
    return id;
  }

  private HttpResponse<String> post(String path, String body, String tenant) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUri() + path))
            .header("Authorization", "Bearer " + token(tenant))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String token(String tenant) {
    return issuer.mint(TenantId.of(tenant), "alice", Duration.ofMinutes(5));
  }
}
