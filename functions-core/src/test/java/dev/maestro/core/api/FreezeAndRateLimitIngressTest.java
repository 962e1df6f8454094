package dev.maestro.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.freeze.FreezeOverrides;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A compliance freeze (423, nothing written; reads and kills allowed) and the per-tenant rate limit
 * (429 with Retry-After, before any work) at API ingress.
 */
class FreezeAndRateLimitIngressTest {

  static final String GOAL =
      "{\"objective\": \"Choline and milk yield\", \"budget\": {\"maxUsd\": 2}}";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final MemorySubstrate store = new MemorySubstrate();
  private final InMemoryPolicyStore documents = new InMemoryPolicyStore();
  private final ContinuationService service =
      new ContinuationService(store.substrate(), clock, new SplittableRandom(7));

  private ApiRouter router(FreezeOverrides overrides) {
    var policies = overrides.applyTo(documents);
    return new ApiRouter(
        service,
        header -> new Principal(TenantId.of(header.substring(7)), "ana", Set.of()),
        Recipes.builtIn(),
        policies,
        clock,
        TenantDailyCap.none(),
        ShadowKernel.rulesOnly(),
        FieldServices.episodic(service, clock));
  }

  private static ApiResponse call(ApiRouter router, String method, String path, String body) {
    return router.handle(
        new ApiRequest(
            method,
            path,
            Map.of(),
            Map.of(
                "Authorization", List.of("Bearer acme"),
                "Content-Type", List.of("application/json")),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode json(ApiResponse response) {
    return Json.readDocument(new String(response.body(), StandardCharsets.UTF_8));
  }

  private void install(String section, String json) {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(TenantId.of("acme")));
    doc.put("revision", 2);
    doc.set(section, Json.tree(json));
    documents.load(doc.toString());
  }

  @Test
  void givenAFrozenTenant_whenItStartsOrResumesWork_then423AndNothingIsWritten() {
    ApiRouter open = router(FreezeOverrides.none());
    String id = json(call(open, "POST", "/continuations", GOAL)).path("id").asText();
    String other = json(call(open, "POST", "/continuations", GOAL)).path("id").asText();
    int created = store.created.size();
    int scheduled = store.registered.size();
    install(
        "freeze",
        "{\"active\": true, \"reason\": \"legal hold LH-7\", \"since\": \"2026-11-20T00:00:00Z\"}");
    ApiRouter frozen = router(FreezeOverrides.none());

    for (ApiResponse refused :
        List.of(
            call(frozen, "POST", "/continuations", GOAL),
            call(frozen, "POST", "/continuations/" + id + "/signals", "{\"kind\": \"approve\"}"),
            call(
                frozen,
                "POST",
                "/continuations/" + id + "/signals",
                "{\"kind\": \"redirect\", \"body\": {\"objective\": \"x\"}}"),
            call(
                frozen,
                "POST",
                "/continuations/" + id + "/fork",
                "{\"budget\": {\"maxUsd\": 0.5}}"),
            call(
                frozen,
                "POST",
                "/continuations/merge",
                "{\"sources\": [\""
                    + id
                    + "\", \""
                    + other
                    + "\"], \"mergeFunction\": \"union\", \"budget\": {\""
                    + id
                    + "\": {\"maxUsd\": 0.1}, \""
                    + other
                    + "\": {\"maxUsd\": 0.1}}, \"goal\": {\"objective\": \"m\"}}"))) {
      assertThat(refused.status()).as(refused.toString()).isEqualTo(423);
      assertThat(refused.header("Content-Type")).isEqualTo(ApiResponse.PROBLEM_JSON);
      assertThat(json(refused).path("type").asText())
          .isEqualTo("urn:maestro:problem:compliance_freeze");
      assertThat(json(refused).path("detail").asText()).contains("legal hold LH-7", "acme");
    }
    assertThat(store.created).hasSize(created);
    assertThat(store.registered).hasSize(scheduled);

    assertThat(call(frozen, "GET", "/continuations/" + id, null).status()).isEqualTo(200);
    assertThat(call(frozen, "DELETE", "/continuations/" + id, null).status()).isEqualTo(202);
  }

  @Test
  void givenARuntimeOverride_whenTheDocumentIsNotFrozen_thenTheOverrideFreezesTheTenant() {
    ApiRouter router =
        router(FreezeOverrides.fromEnvironment(Map.of("MAESTRO_FROZEN_TENANTS", "zeta, acme")));

    ApiResponse refused = call(router, "POST", "/continuations", GOAL);

    assertThat(refused.status()).isEqualTo(423);
    assertThat(json(refused).path("detail").asText()).contains("MAESTRO_FROZEN_TENANTS");
    assertThat(store.created).isEmpty();
  }

  @Test
  void givenALowRateLimit_whenTheBurstIsSpent_then429WithRetryAfterAndNoWrite() {
    install("rateLimit", "{\"requestsPerSecond\": 0.5, \"burst\": 2}");
    ApiRouter router = router(FreezeOverrides.none());

    assertThat(call(router, "POST", "/continuations", GOAL).status()).isEqualTo(201);
    assertThat(call(router, "POST", "/continuations", GOAL).status()).isEqualTo(201);
    ApiResponse limited = call(router, "POST", "/continuations", GOAL);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("Retry-After")).isEqualTo("2");
    assertThat(json(limited).path("type").asText()).isEqualTo("urn:maestro:problem:rate_limited");
    assertThat(store.created).hasSize(2);
    // Unauthenticated routes are not limited.
    assertThat(call(router, "GET", "/health", null).status()).isEqualTo(200);

    clock.advance(Duration.ofMillis(1500));
    assertThat(call(router, "POST", "/continuations", GOAL).status()).isEqualTo(429);
    assertThat(call(router, "POST", "/continuations", GOAL).header("Retry-After")).isEqualTo("1");
    clock.advance(Duration.ofMillis(600));
    assertThat(call(router, "POST", "/continuations", GOAL).status()).isEqualTo(201);
  }
}
