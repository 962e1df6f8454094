package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.local.runtime.LocalConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant policy documents in the data directory, read when the embedded stack starts. */
class PoliciesOnStartTest {

  @TempDir Path dir;

  @Test
  void givenATenantsDocumentInThePoliciesFolder_whenDecided_thenItsRulesAndRevisionApply()
      throws Exception {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(TenantId.of("acme")));
    doc.put("revision", 7);
    ((ObjectNode) doc.get("tiers")).put("max", "sonnet");
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/acme.json"), Json.write(doc));

    try (LocalStack stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0)) {
      String token = stack.issuer.mint(TenantId.of("acme"), "alice@acme", Duration.ofMinutes(5));
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/decide"))
                      .header("Authorization", "Bearer " + token)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"budget\":{\"limits\":{\"maxUsd\":2}},\"stepKind\":\"synthesize\","
                                  + "\"requiredDepth\":3}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      JsonNode d = Json.tree(r.body());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(d.path("policyRevision").asLong()).isEqualTo(7);
      assertThat(d.path("tier").asText()).isEqualTo("sonnet");
      assertThat(d.path("ruleIds").toString()).contains("route.max_tier");
    }
  }

  @Test
  void givenABrokenDocument_whenServeStarts_thenItRefusesNamingTheFileAndField() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("bad-policies"));
    Files.writeString(policies.resolve("acme.json"), "{\"version\":1,\"tenant\":\"acme\"}");

    CliRun run =
        CliRun.of(
            "serve",
            "--data-dir",
            dir.toString(),
            "--port",
            "0",
            "--policies",
            policies.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("acme.json: /").contains("were not loaded");
  }
}
