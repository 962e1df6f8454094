package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.local.runtime.LocalConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /fields/{id}} over real HTTP on the embedded stack: the episodic channel recalls the
 * continuation's own events, the answer matches the OpenAPI document's {@code FieldManifest}, and
 * another tenant or a bad budget is refused.
 */
class FieldRouteTest {

  private static final String GOAL =
      """
      {"objective":"noop lifecycle summary","successCriteria":["lifecycle finished"],
       "budget":{"maxUsd":1},"parameters":{"sleep":"PT0S"}}
      """;

  @TempDir Path dir;
  LocalStack stack;
  HttpClient http;
  String acme;

  @BeforeEach
  void start() {
    stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0);
    http = HttpClient.newHttpClient();
    acme = stack.issuer.mint(TenantId.of("acme"), "alice@acme", Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String createAndFinish() throws Exception {
    HttpResponse<String> created = send("POST", "/continuations", acme, GOAL);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.tree(created.body()).path("id").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Json.tree(send("GET", "/continuations/" + id, acme, null).body())
                    .path("continuation")
                    .path("status")
                    .asText()
                    .equalsIgnoreCase("completed"));
    return id;
  }

  @Test
  void givenACompletedContinuation_whenItsFieldIsAsked_thenTheEventLogIsRecalledWithProvenance()
      throws Exception {
    String id = createAndFinish();

    HttpResponse<String> r = send("GET", "/fields/" + id + "?budgetTokens=500", acme, null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control").orElseThrow())
        .matches("private, max-age=\\d+");
    JsonNode field = Json.tree(r.body());
    assertThat(field.path("budgetTokens").asInt()).isEqualTo(500);
    assertThat(field.path("tokensUsed").asInt()).isLessThanOrEqualTo(500);
    assertThat(field.path("items").size()).isPositive();
    JsonNode first = field.path("items").get(0);
    assertThat(first.path("channel").asText()).isEqualTo("episodic");
    assertThat(first.path("text").asText()).contains("noop lifecycle finished");
    assertThat(first.path("provenance").get(0).path("source").asText()).isEqualTo("event-log");
    assertThat(first.path("provenance").get(0).path("uri").asText()).startsWith(id + "#");
    assertThat(field.path("channels").get(0).path("outcome").asText()).isEqualTo("answered");
    assertMatchesTheDocumentedSchema(field);
  }

  @Test
  void givenAnotherTenant_whenItAsksForTheField_thenItIs404ProblemJson() throws Exception {
    String id = Json.tree(send("POST", "/continuations", acme, GOAL).body()).path("id").asText();
    String umbrella = stack.issuer.mint(TenantId.of("umbrella"), "eve", Duration.ofMinutes(5));

    HttpResponse<String> r = send("GET", "/fields/" + id, umbrella, null);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(send("GET", "/fields/" + UUID.randomUUID(), acme, null).statusCode()).isEqualTo(404);
  }

  @Test
  void givenABadBudget_whenTheFieldIsAsked_thenItIs400NamingTheParameter() throws Exception {
    String id = Json.tree(send("POST", "/continuations", acme, GOAL).body()).path("id").asText();

    HttpResponse<String> r = send("GET", "/fields/" + id + "?budgetTokens=0", acme, null);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("/query/budgetTokens");
  }

  @Test
  void givenNoIndexInTheDataDirectory_whenTheStackStarts_thenTheFieldHasTheEpisodicChannel() {
    assertThat(stack.fields.channels()).extracting(c -> c.name()).startsWith("episodic");
  }

  private static void assertMatchesTheDocumentedSchema(JsonNode field) throws Exception {
    JsonNode doc;
    try (InputStream in = ApiRouter.class.getResourceAsStream(ApiRouter.OPENAPI_RESOURCE)) {
      doc = Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set(
        "allOf",
        Json.mapper()
            .createArrayNode()
            .add(
                doc.at(
                    "/paths/~1fields~1{id}/get/responses/200/content/application~1json/schema")));
    root.set("components", doc.path("components"));
    var errors =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(root)
            .validate(field);
    assertThat(errors).as(field.toString()).isEmpty();
  }
}
