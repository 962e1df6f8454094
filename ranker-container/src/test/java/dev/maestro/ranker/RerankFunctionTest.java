package dev.maestro.ranker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda handler against API Gateway HTTP API (payload format 2.0) events built as the runtime
 * would deserialize them; no Lambda runtime runs here.
 */
class RerankFunctionTest {

  @TempDir static Path dir;
  static RerankFunction function;

  static final String BATCH =
      """
      {"candidates": [
        {"id": "a", "features": {"hybrid_score": 0.2}},
        {"id": "b", "features": {"hybrid_score": 0.95}},
        {"id": "c", "features": {"hybrid_score": 0.6}}]}""";

  @BeforeAll
  static void start() {
    Path model = GeneratedRerankModel.write(dir.resolve("model"));
    function =
        new RerankFunction(
            ApplicationContext.builder()
                .properties(Map.of("maestro.reranker.dir", model.toString())));
  }

  @AfterAll
  static void stop() {
    function.close();
  }

  static APIGatewayV2HTTPEvent event(String method, String path, String body, boolean base64) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("$default")
        .withRawPath(path)
        .withHeaders(Map.of("content-type", "application/json"))
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .build())
                .build())
        .withBody(body)
        .withIsBase64Encoded(base64)
        .build();
  }

  static JsonNode body(APIGatewayV2HTTPResponse r) {
    return Json.tree(r.getBody());
  }

  @Test
  void givenAPlainBody_thenTheSameScoresAsHttp() {
    APIGatewayV2HTTPResponse r =
        function.handleRequest(event("POST", "/rerank", BATCH, false), null);
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    assertThat(body(r).path("order").toString()).isEqualTo("[\"b\",\"c\",\"a\"]");
  }

  @Test
  void givenABase64Body_thenDecodedFirst() {
    String encoded = Base64.getEncoder().encodeToString(BATCH.getBytes(StandardCharsets.UTF_8));
    APIGatewayV2HTTPResponse plain =
        function.handleRequest(event("POST", "/rerank", BATCH, false), null);
    APIGatewayV2HTTPResponse r =
        function.handleRequest(event("POST", "/prod/rerank", encoded, true), null);
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(body(r).path("scores")).isEqualTo(body(plain).path("scores"));
  }

  @Test
  void givenAClientMistake_thenProblemJsonNamingTheField() {
    APIGatewayV2HTTPResponse r =
        function.handleRequest(
            event(
                "POST",
                "/rerank",
                "{\"candidates\": [{\"id\": \"a\", \"features\": {\"bm25\": [1]}}]}",
                false),
            null);
    assertThat(r.getStatusCode()).isEqualTo(400);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/problem+json");
    assertThat(body(r).path("errors").get(0).path("pointer").asText())
        .isEqualTo("/candidates/0/features/bm25");
    APIGatewayV2HTTPResponse badBase64 =
        function.handleRequest(event("POST", "/rerank", "%%%", true), null);
    assertThat(badBase64.getStatusCode()).isEqualTo(400);
  }

  @Test
  void health_reportsVersions() {
    APIGatewayV2HTTPResponse r = function.handleRequest(event("GET", "/health", null, false), null);
    assertThat(r.getStatusCode()).isEqualTo(200);
    assertThat(body(r).path("featureVersion").asInt()).isEqualTo(1);
    assertThat(body(r).path("model").asText()).startsWith("sha256:");
  }

  @Test
  void givenAnotherRouteOrMethod_thenNotFoundOrNotAllowed() {
    assertThat(function.handleRequest(event("GET", "/score", null, false), null).getStatusCode())
        .isEqualTo(404);
    APIGatewayV2HTTPResponse r = function.handleRequest(event("GET", "/rerank", null, false), null);
    assertThat(r.getStatusCode()).isEqualTo(405);
    assertThat(r.getHeaders()).containsEntry("Allow", "POST");
  }
}
