package dev.maestro.ranker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller over a real embedded Micronaut (Netty) server on a random port. */
class RerankHttpTest {

  @TempDir static Path dir;
  static EmbeddedServer server;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    Path model = GeneratedRerankModel.write(dir.resolve("model"));
    server =
        ApplicationContext.run(
            EmbeddedServer.class,
            Map.of(
                "maestro.reranker.dir", model.toString(),
                "maestro.reranker.max-candidates", "3",
                "micronaut.server.port", "-1"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder post(String body) {
    return HttpRequest.newBuilder(server.getURI().resolve("/rerank"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void givenAValidBatch_whenPosted_thenScoresAndOrder() throws Exception {
    HttpResponse<String> r =
        send(
            post(
                """
                {"query": "q", "candidates": [
                  {"id": "a", "features": {"hybrid_score": 0.2}},
                  {"id": "b", "features": {"hybrid_score": 0.7}}]}"""));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> v.contains("json"));
    JsonNode b = Json.tree(r.body());
    assertThat(b.path("order").toString()).isEqualTo("[\"b\",\"a\"]");
    assertThat(b.path("scores").get(0).asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void givenAClientMistake_whenPosted_thenProblemJsonNamingTheField() throws Exception {
    HttpResponse<String> r =
        send(post("{\"featureNames\": [\"bm25\"], \"rows\": [[1], [2], [3], [4]]}"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(Json.tree(r.body()).path("errors").get(0).path("pointer").asText())
        .isEqualTo("/rows");
    HttpResponse<String> empty = send(post(""));
    assertThat(empty.statusCode()).isEqualTo(400);
    HttpResponse<String> garbage = send(post("{\"candidates\": [}"));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void health_reportsVersions() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(server.getURI().resolve("/health")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode b = Json.tree(r.body());
    assertThat(b.path("model").asText()).startsWith("sha256:");
    assertThat(b.path("featureVersion").asInt()).isEqualTo(1);
    assertThat(b.path("maxCandidates").asInt()).isEqualTo(3);
  }

  @Test
  void givenAnotherPath_thenNotFound() throws Exception {
    URI other = server.getURI().resolve("/score");
    assertThat(send(HttpRequest.newBuilder(other)).statusCode()).isEqualTo(404);
  }
}
