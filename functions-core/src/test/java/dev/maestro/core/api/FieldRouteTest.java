package dev.maestro.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.FieldSettings;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.security.Principal;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /fields/{id}} through the router: served without a field service being passed (the
 * event log at least), scoped to the caller's tenant, the budget validated, and cacheable until
 * stale.
 */
class FieldRouteTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final MemorySubstrate store = new MemorySubstrate();
  private final ApiRouter router =
      new ApiRouter(
          new ContinuationService(store.substrate(), clock, new SplittableRandom(3)),
          header ->
              new Principal(TenantId.of(header.substring("Bearer ".length())), "ana", Set.of()),
          Recipes.builtIn(),
          new InMemoryPolicyStore(),
          clock,
          TenantDailyCap.none());

  private ApiResponse send(
      String method, String path, Map<String, List<String>> query, String tenant, String body) {
    return router.handle(
        new ApiRequest(
            method,
            path,
            query,
            Map.of(
                "Authorization", List.of("Bearer " + tenant),
                "Content-Type", List.of("application/json")),
            body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  private String create() {
    ApiResponse created =
        send(
            "POST",
            "/continuations",
            Map.of(),
            "acme",
            "{\"objective\":\"choline in dairy cows\",\"budget\":{\"maxUsd\":1}}");
    assertThat(created.status()).isEqualTo(201);
    return json(created).path("id").asText();
  }

  private static JsonNode json(ApiResponse response) {
    return Json.readDocument(new String(response.body(), StandardCharsets.UTF_8));
  }

  @Test
  void givenTheRoutes_whenListed_thenTheFieldRouteIsAnAuthenticatedGet() {
    assertThat(ApiRouter.routes()).contains(new ApiRouter.Route("GET", "/fields/{id}", true));
  }

  @Test
  void givenAContinuation_whenItsFieldIsAsked_thenItIs200WithTheManifestAndAMaxAge() {
    String id = create();

    ApiResponse response = send("GET", "/fields/" + id, Map.of(), "acme", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo(ApiResponse.JSON);
    assertThat(response.header("Cache-Control"))
        .isEqualTo("private, max-age=" + FieldSettings.DEFAULTS.ttl().toSeconds());
    JsonNode body = json(response);
    assertThat(body.path("continuationId").asText()).isEqualTo(id);
    assertThat(body.path("tenant").asText()).isEqualTo("acme");
    assertThat(body.path("budgetTokens").asInt()).isEqualTo(FieldService.DEFAULT_BUDGET_TOKENS);
    assertThat(body.path("items").isArray()).isTrue();
    assertThat(body.path("channels").get(0).path("name").asText()).isEqualTo("episodic");
  }

  @Test
  void givenACachedField_whenAskedLater_thenMaxAgeCountsDownToStaleAt() {
    String id = create();
    send("GET", "/fields/" + id, Map.of(), "acme", null);
    clock.advance(Duration.ofSeconds(100));

    ApiResponse again = send("GET", "/fields/" + id, Map.of(), "acme", null);

    assertThat(again.header("Cache-Control"))
        .isEqualTo("private, max-age=" + (FieldSettings.DEFAULTS.ttl().toSeconds() - 100));
  }

  @Test
  void givenABudget_whenGiven_thenTheManifestHasIt() {
    String id = create();

    ApiResponse response =
        send("GET", "/fields/" + id, Map.of("budgetTokens", List.of("250")), "acme", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).path("budgetTokens").asInt()).isEqualTo(250);
  }

  @Test
  void givenABadBudget_whenTheFieldIsAsked_thenItIs400NamingTheParameter() {
    String id = create();
    for (String bad : List.of("0", "abc", "-5", "32001", "")) {
      ApiResponse response =
          send("GET", "/fields/" + id, Map.of("budgetTokens", List.of(bad)), "acme", null);

      assertThat(response.status()).as(bad).isEqualTo(400);
      assertThat(response.header("Content-Type")).isEqualTo(ApiResponse.PROBLEM_JSON);
      assertThat(response.body()).asString(StandardCharsets.UTF_8).contains("/query/budgetTokens");
    }
  }

  @Test
  void givenAnotherTenantsContinuation_whenItsFieldIsAsked_thenItIs404() {
    String id = create();

    assertThat(send("GET", "/fields/" + id, Map.of(), "umbrella", null).status()).isEqualTo(404);
    assertThat(send("GET", "/fields/" + UUID.randomUUID(), Map.of(), "acme", null).status())
        .isEqualTo(404);
  }

  @Test
  void givenAMalformedIdOrAnUnknownParameter_whenTheFieldIsAsked_thenItIs400() {
    String id = create();

    assertThat(send("GET", "/fields/nope", Map.of(), "acme", null).status()).isEqualTo(400);
    assertThat(send("GET", "/fields/" + id, Map.of("budget", List.of("5")), "acme", null).status())
        .isEqualTo(400);
  }

  @Test
  void givenAnotherMethod_whenSentToTheFieldRoute_thenItIs405() {
    String id = create();

    assertThat(send("POST", "/fields/" + id, Map.of(), "acme", "{}").status()).isEqualTo(405);
  }
}
