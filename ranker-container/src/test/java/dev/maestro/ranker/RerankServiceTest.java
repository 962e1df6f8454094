package dev.maestro.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.json.Json;
import dev.maestro.field.rerank.RerankFeatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankServiceTest {

  @TempDir static Path dir;
  static RerankService service;

  @BeforeAll
  static void load() {
    service = RerankService.load(GeneratedRerankModel.write(dir.resolve("model")), 5);
  }

  @AfterAll
  static void close() {
    service.close();
  }

  static JsonNode body(ApiResponse r) {
    return Json.tree(new String(r.body(), StandardCharsets.UTF_8));
  }

  /** The single field error's pointer of a 400 problem. */
  static String field(ApiResponse r) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo(ApiResponse.PROBLEM_JSON);
    JsonNode errors = body(r).path("errors");
    assertThat(errors.size()).as(body(r).toString()).isEqualTo(1);
    return errors.get(0).path("pointer").asText();
  }

  @Test
  void givenNamedCandidates_whenReranked_thenScoresAreTheModelsAndOrderIsByScore() {
    ApiResponse r =
        service.rerank(
            """
            {"query": "q", "candidates": [
              {"id": "low", "features": {"hybrid_score": 0.1, "bm25": 3}},
              {"id": "high", "features": {"hybrid_score": 0.9, "cosine": null}},
              {"id": "mid", "features": {"hybrid_score": 0.6}},
              {"id": "missing", "features": {}}
            ]}""");
    assertThat(r.status()).isEqualTo(200);
    JsonNode b = body(r);
    assertThat(b.path("model").asText()).isEqualTo(service.version()).startsWith("sha256:");
    double[] expected = {
      GeneratedRerankModel.expected(0.1),
      GeneratedRerankModel.expected(0.9),
      GeneratedRerankModel.expected(0.6),
      GeneratedRerankModel.expected(Double.NaN)
    };
    for (int i = 0; i < expected.length; i++) {
      assertThat(b.path("scores").get(i).asDouble())
          .isBetween(0.0, 1.0)
          .isCloseTo(expected[i], within(1e-6));
    }
    List<String> order = new ArrayList<>();
    b.path("order").forEach(n -> order.add(n.asText()));
    assertThat(order).containsExactly("high", "mid", "low", "missing");
    assertThat(b.path("elapsedMs").asDouble()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void givenPrecomputedRows_whenReranked_thenOrderIsRowIndexesOrIds() {
    String rows =
        """
        "featureNames": ["bm25", "hybrid_score"], "rows": [[1, 0.3], [2, 0.8], [null, 0.1]]""";
    JsonNode b = body(service.rerank("{" + rows + "}"));
    assertThat(b.path("order").toString()).isEqualTo("[1,0,2]");
    assertThat(b.path("scores").get(1).asDouble())
        .isCloseTo(GeneratedRerankModel.expected(0.8), within(1e-6));
    JsonNode withIds = body(service.rerank("{" + rows + ", \"ids\": [\"a\", \"b\", \"c\"]}"));
    assertThat(withIds.path("order").toString()).isEqualTo("[\"b\",\"a\",\"c\"]");
  }

  @Test
  void givenNoCandidates_whenReranked_thenEmptyScores() {
    JsonNode b = body(service.rerank("{\"candidates\": []}"));
    assertThat(b.path("scores").size()).isZero();
    assertThat(b.path("order").size()).isZero();
  }

  @Test
  void givenUnknownFeatureName_thenBadRequestNamesIt() {
    assertThat(
            field(
                service.rerank("{\"candidates\": [{\"id\": \"a\", \"features\": {\"bm26\": 1}}]}")))
        .isEqualTo("/candidates/0/features/bm26");
    assertThat(field(service.rerank("{\"featureNames\": [\"bm25\", \"nope\"], \"rows\": []}")))
        .isEqualTo("/featureNames/1");
  }

  @Test
  void givenWrongRowWidth_thenBadRequestNamesTheRow() {
    assertThat(
            field(
                service.rerank(
                    "{\"featureNames\": [\"bm25\", \"cosine\"], \"rows\": [[1, 2], [1]]}")))
        .isEqualTo("/rows/1");
  }

  @Test
  void givenTooManyCandidates_thenBadRequestNamesTheList() {
    StringBuilder many = new StringBuilder("{\"candidates\": [");
    for (int i = 0; i < 6; i++) {
      many.append(i == 0 ? "" : ",").append("{\"id\": \"c" + i + "\", \"features\": {}}");
    }
    ApiResponse r = service.rerank(many.append("]}").toString());
    assertThat(field(r)).isEqualTo("/candidates");
    assertThat(body(r).path("detail").asText()).contains("at most 5");
    assertThat(field(service.rerank("{\"featureNames\": [], \"rows\": [[],[],[],[],[],[]]}")))
        .isEqualTo("/rows");
  }

  @Test
  void givenNonNumbers_thenBadRequestNamesTheValue() {
    assertThat(
            field(
                service.rerank(
                    "{\"candidates\": [{\"id\": \"a\", \"features\": {\"bm25\": \"high\"}}]}")))
        .isEqualTo("/candidates/0/features/bm25");
    assertThat(field(service.rerank("{\"featureNames\": [\"bm25\"], \"rows\": [[true]]}")))
        .isEqualTo("/rows/0/0");
    assertThat(field(service.rerank("{\"featureNames\": [\"bm25\"], \"rows\": [[1e300]]}")))
        .isEqualTo("/rows/0/0");
  }

  @Test
  void givenMalformedRequests_thenBadRequestNeverServerError() {
    assertThat(field(service.rerank(null))).isEmpty();
    assertThat(field(service.rerank("not json"))).isEmpty();
    assertThat(field(service.rerank("[1]"))).isEmpty();
    assertThat(field(service.rerank("{}"))).isEqualTo("/candidates");
    assertThat(field(service.rerank("{\"candidates\": {}}"))).isEqualTo("/candidates");
    assertThat(field(service.rerank("{\"candidates\": [], \"limit\": 3}"))).isEqualTo("/limit");
    assertThat(field(service.rerank("{\"candidates\": [], \"query\": 7}"))).isEqualTo("/query");
    assertThat(field(service.rerank("{\"candidates\": [{\"features\": {}}]}")))
        .isEqualTo("/candidates/0/id");
    assertThat(field(service.rerank("{\"candidates\": [{\"id\": \"a\"}]}")))
        .isEqualTo("/candidates/0/features");
    assertThat(
            field(
                service.rerank(
                    "{\"candidates\": [{\"id\": \"a\", \"features\": {}},"
                        + " {\"id\": \"a\", \"features\": {}}]}")))
        .isEqualTo("/candidates/1/id");
    assertThat(field(service.rerank("{\"candidates\": [], \"rows\": []}")))
        .isEqualTo("/candidates");
    assertThat(field(service.rerank("{\"rows\": []}"))).isEqualTo("/featureNames");
    assertThat(
            field(service.rerank("{\"featureNames\": [\"bm25\"], \"rows\": [[1]], \"ids\": []}")))
        .isEqualTo("/ids");
  }

  @Test
  void health_reportsModelAndFeatureVersions() {
    JsonNode b = body(service.health());
    assertThat(b.path("status").asText()).isEqualTo("UP");
    assertThat(b.path("model").asText()).isEqualTo(service.version());
    assertThat(b.path("featureVersion").asInt()).isEqualTo(RerankFeatures.VERSION);
    assertThat(b.path("features").size()).isEqualTo(RerankFeatures.COUNT);
    assertThat(b.path("maxCandidates").asInt()).isEqualTo(5);
  }

  @Test
  void givenTheSameModelFile_thenTheSameVersion() throws Exception {
    Path copy = dir.resolve("copy");
    GeneratedRerankModel.write(copy);
    try (RerankService again = RerankService.load(copy, 1)) {
      assertThat(again.version()).isEqualTo(service.version());
    }
    assertThat(Files.exists(copy.resolve("rerank-manifest.json"))).isTrue();
  }
}
