package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.local.policy.ShadowSwitchFile;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.policy.onnx.LearnedPolicies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /decide} on the embedded stack in shadow mode: the shipped learned policy (ONNX
 * Runtime) scores every decision the rules make, and the kill switch turns it off while the server
 * runs.
 */
class ShadowDecideTest {

  private static final String STEP =
      """
      {"now":"2025-06-01T12:00:00Z","budget":{"limits":{"maxUsd":2.00},"spent":{"usd":0.20}},
       "stepKind":"synthesize","contextTokens":40000,"requiredDepth":1,"qualityCheck":"failed"}
      """;

  @TempDir Path dir;
  LocalStack stack;
  HttpClient http;
  String token;

  @BeforeEach
  void start() {
    stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0);
    http = HttpClient.newHttpClient();
    token = stack.issuer.mint(TenantId.of("acme"), "alice@acme", Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  private JsonNode decide() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/decide"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(STEP))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.tree(r.body());
  }

  @Test
  void givenTheShippedModel_whenDecided_thenTheRulesDecideAndV1sSuggestionComesBeside()
      throws Exception {
    JsonNode d = decide();

    assertThat(d.path("action").asText()).isEqualTo("proceed");
    assertThat(d.path("ruleIds").toString()).contains("escalate.quality_tier");
    JsonNode shadow = d.path("shadow");
    assertThat(shadow.path("model").asText())
        .isEqualTo(LearnedPolicies.defaultManifest().orElseThrow().version());
    assertThat(shadow.path("tier").asText()).isIn("haiku", "sonnet", "opus");
    assertThat(shadow.path("tierScores").size()).isEqualTo(3);
    shadow.path("tierScores").forEach(p -> assertThat(p.asDouble()).isBetween(0.0, 1.0));
    assertThat(shadow.path("branchScores").has("continue")).isTrue();
  }

  @Test
  void givenTheKillSwitchTurnedOffWhileServing_whenDecided_thenNoShadowAndTheSameDecision()
      throws Exception {
    JsonNode before = decide();

    ShadowSwitchFile.in(dir).set(false, "ops", Instant.now());
    Thread.sleep(2 * ShadowSwitchFile.RECHECK_NANOS / 1_000_000 + 50);
    JsonNode after = decide();

    assertThat(before.has("shadow")).isTrue();
    assertThat(after.has("shadow")).isFalse();
    ((com.fasterxml.jackson.databind.node.ObjectNode) before).remove("shadow");
    assertThat(after).isEqualTo(before);
  }
}
