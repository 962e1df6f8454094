package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.local.server.ApiHarness.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /decide} over real HTTP: the kernel's answer, its input errors, its auth. */
class DecideApiTest {

  @TempDir static Path dir;
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void givenAStepPastTheSoftCap_whenDecided_thenTheAnswerIsADownshiftedDecisionWithItsRules() {
    Response r =
        api.postJson(
            "/decide",
            api.token("acme"),
            """
            {"now":"2025-06-01T12:00:00Z",
             "budget":{"limits":{"maxUsd":2.00},"spent":{"usd":1.70}},
             "stepKind":"synthesize",
             "toolsRequested":["pubmed.search","web.search","shell.exec"]}
            """);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    JsonNode d = r.json();
    assertThat(d.path("action").asText()).isEqualTo("proceed");
    assertThat(d.path("tier").asText()).isEqualTo("haiku");
    assertThat(d.path("runtime").asText()).isEqualTo("maestro");
    assertThat(d.path("branch").asText()).isEqualTo("continue");
    assertThat(d.path("allowedTools").toString()).isEqualTo("[\"pubmed.search\"]");
    assertThat(d.path("ruleIds").toString())
        .contains("route.soft_cap_downshift", "tools.not_allowed", "tools.costly_past_soft_cap");
    assertThat(d.path("rationale").asText()).contains("soft cap");
  }

  @Test
  void givenADecision_whenAsked_thenNothingIsRecordedAnywhere() {
    int before = api.unfinished().size();

    api.postJson(
        "/decide",
        api.token("acme"),
        "{\"budget\":{\"limits\":{\"maxUsd\":1}},\"stepKind\":\"plan\"}");

    assertThat(api.unfinished()).hasSize(before);
  }

  @Test
  void givenBadFields_whenDecided_thenA400NamesEachOne() {
    Response r =
        api.postJson(
            "/decide",
            api.token("acme"),
            "{\"budget\":{\"limits\":{\"maxUsd\":\"lots\"}},\"stepKind\":\"dream\",\"riskScore\":2,"
                + "\"tenant\":\"other\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    var pointers = new java.util.ArrayList<String>();
    r.json().path("errors").forEach(e -> pointers.add(e.path("pointer").asText()));
    assertThat(pointers)
        .containsExactlyInAnyOrder("/budget/limits/maxUsd", "/stepKind", "/riskScore", "/tenant");
  }

  @Test
  void givenAForkWithoutACount_whenDecided_thenA400NamesForkCount() {
    Response r =
        api.postJson(
            "/decide",
            api.token("acme"),
            "{\"budget\":{\"limits\":{\"maxUsd\":1}},\"stepKind\":\"plan\",\"intent\":\"fork\"}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/errors/0/pointer").asText()).isEqualTo("/forkCount");
  }

  @Test
  void givenNoToken_whenDecided_thenA401() {
    Response r =
        api.postJson(
            "/decide", null, "{\"budget\":{\"limits\":{\"maxUsd\":1}},\"stepKind\":\"plan\"}");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
  }
}
