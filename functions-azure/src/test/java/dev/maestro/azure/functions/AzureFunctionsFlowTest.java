package dev.maestro.azure.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import dev.maestro.azure.cosmos.CosmosEmulator;
import dev.maestro.azure.cosmos.CosmosSubstrate;
import dev.maestro.azure.durable.ContinuationOrchestrator;
import dev.maestro.azure.durable.OrchestrationInput;
import dev.maestro.azure.durable.TickActivityInput;
import dev.maestro.azure.durable.TickActivityResult;
import dev.maestro.azure.local.LocalHttpRequest;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A continuation's life through the Azure functions over the Cosmos DB substrate on the npm
 * emulator: the HTTP API function (Functions' own request and response types, App Service
 * authentication's principal header) creates it and starts its orchestration through the Durable
 * client; the {@code tick} activity runs real ticks; a signal and a kill become {@code wake}
 * events. The Durable client is a recording stand-in for the Durable Task backend (no host runs
 * here): what is asserted is what the functions ask of it, in its own API; the orchestrations
 * themselves are replayed in {@code ContinuationOrchestratorTest}.
 */
class AzureFunctionsFlowTest {

  private static CosmosEmulator cosmos;

  private final RecordingDurableClient durable = new RecordingDurableClient();
  private AzureRuntime runtime;
  private HttpApiFunction api;

  @BeforeAll
  static void startCosmos() {
    cosmos = CosmosEmulator.start();
  }

  @AfterAll
  static void stopCosmos() {
    if (cosmos != null) cosmos.close();
  }

  @BeforeEach
  void wire() {
    runtime =
        new AzureRuntime(
            new CosmosSubstrate(cosmos.client(), cosmos.freshContainers("flow")),
            Clock.systemUTC());
    api = new HttpApiFunction(runtime::router, EasyAuthIdentity.DEFAULT_TENANT_CLAIM);
  }

  private static String principal(String tenant) {
    return EasyAuthIdentity.encode(
        Map.of(
            "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid-alice",
            "maestro_tenant", tenant,
            "http://schemas.microsoft.com/identity/claims/scope", "continuations.write"));
  }

  private HttpResponseMessage call(String method, String path, String body, String principal) {
    var headers = new HashMap<String, String>();
    headers.put("content-type", "application/json");
    if (principal != null) headers.put("x-ms-client-principal", principal);
    var request =
        new LocalHttpRequest(
            HttpMethod.valueOf(method),
            URI.create("https://maestro.azurewebsites.net" + path),
            headers,
            body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    return api.run(request, durable.context(), null);
  }

  private static JsonNode json(HttpResponseMessage response) {
    return Json.tree(new String((byte[]) response.getBody(), StandardCharsets.UTF_8));
  }

  private static final String CREATE =
      """
      {"objective": "Evidence brief on choline", "budget": {"maxUsd": 1},
       "parameters": {"sleep": "PT1H"}}""";

  @Test
  void
      givenAnAuthenticatedCreate_whenHandled_thenTheContinuationIsStoredAndItsOrchestrationStarted() {
    HttpResponseMessage created = call("POST", "/continuations", CREATE, principal("acme"));

    assertThat(created.getStatusCode()).as(json(created).toString()).isEqualTo(201);
    String id = json(created).path("id").asText();
    assertThat(durable.started).hasSize(1);
    NewOrchestrationInstanceOptions start = durable.started.getFirst();
    assertThat(durable.startedNames).containsExactly(ContinuationOrchestrator.NAME);
    assertThat(start.getInstanceId()).isEqualTo(id);
    OrchestrationInput input = OrchestrationInput.fromJson((String) start.getInput());
    assertThat(input.tenant()).isEqualTo("acme");
    assertThat(input.pending()).extracting(Wake::id).containsExactly("start");

    HttpResponseMessage read = call("GET", "/continuations/" + id, null, principal("acme"));
    assertThat(read.getStatusCode()).isEqualTo(200);
    assertThat(call("GET", "/continuations/" + id, null, principal("globex")).getStatusCode())
        .as("another tenant")
        .isEqualTo(404);
  }

  @Test
  void givenTheTenantsDailyCapReached_whenCreating_then429WithRetryAfterAndNothingIsWritten() {
    TenantId acme = TenantId.of("acme");
    runtime.budget().limitTenantDaily(acme, BudgetLimits.ofUsd(new BigDecimal("1.00"), 0));
    ContinuationId spender = ContinuationId.of("0190f0a0-0000-7000-8000-000000000001");
    BudgetLedger.Spender who = new BudgetLedger.Spender(spender, spender, acme);
    runtime
        .budget()
        .settle(runtime.budget().reserve(who, new BigDecimal("1.00"), 0), BigDecimal.ONE, 0);

    HttpResponseMessage refused = call("POST", "/continuations", CREATE, principal("acme"));

    assertThat(refused.getStatusCode()).as(json(refused).toString()).isEqualTo(429);
    assertThat(refused.getHeader("Content-Type")).contains("application/problem+json");
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 86_400L);
    assertThat(json(refused).path("detail").asText()).contains("daily budget cap");
    assertThat(durable.started).isEmpty();
    assertThat(call("POST", "/continuations", CREATE, principal("globex")).getStatusCode())
        .as("another tenant is not capped")
        .isEqualTo(201);
  }

  @Test
  void givenAContinuation_whenItsFieldIsReadTwice_thenTheSecondRequestIsServedFromTheSameCache() {
    String id = json(call("POST", "/continuations", CREATE, principal("acme"))).path("id").asText();

    HttpResponseMessage first = call("GET", "/fields/" + id, null, principal("acme"));
    HttpResponseMessage second = call("GET", "/fields/" + id, null, principal("acme"));

    assertThat(first.getStatusCode()).as(json(first).toString()).isEqualTo(200);
    assertThat(json(first).path("continuationId").asText()).isEqualTo(id);
    assertThat(json(second).path("assembledAt")).isEqualTo(json(first).path("assembledAt"));
    assertThat(call("GET", "/fields/" + id, null, principal("globex")).getStatusCode())
        .isEqualTo(404);
  }

  @Test
  void givenNoOrABadPrincipal_whenCalled_then401AndNothingIsStarted() {
    assertThat(call("POST", "/continuations", CREATE, null).getStatusCode()).isEqualTo(401);
    assertThat(call("POST", "/continuations", CREATE, "%%%not-base64").getStatusCode())
        .isEqualTo(401);
    String noTenant =
        EasyAuthIdentity.encode(
            Map.of("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid-1"));
    HttpResponseMessage refused = call("POST", "/continuations", CREATE, noTenant);
    assertThat(refused.getStatusCode()).isEqualTo(401);
    assertThat(refused.getHeader("Content-Type")).contains("application/problem+json");
    assertThat(durable.started).isEmpty();
  }

  @Test
  void givenABadBody_whenCreating_then400NamingTheFieldAndNothingIsStarted() {
    HttpResponseMessage bad =
        call("POST", "/continuations", "{\"budget\": {\"maxUsd\": 1}}", principal("acme"));

    assertThat(bad.getStatusCode()).isEqualTo(400);
    assertThat(json(bad).toString()).contains("/objective");
    assertThat(durable.started).isEmpty();
  }

  @Test
  void
      givenAStartedContinuation_whenTheTickActivityRunsAndASignalArrives_thenTheSignalIsRaisedAsAWakeEvent() {
    String id = json(call("POST", "/continuations", CREATE, principal("acme"))).path("id").asText();
    OrchestrationInput input =
        OrchestrationInput.fromJson((String) durable.started.getFirst().getInput());

    // the orchestration's first activity, run for real over Cosmos
    String result =
        runtime
            .tickActivities()
            .tickJson(new TickActivityInput("acme", id, input.pending().getFirst()).toJson());
    TickActivityResult tick = TickActivityResult.fromJson(result);
    assertThat(tick.status()).isEqualTo("SLEEPING");
    assertThat(tick.nextTimer()).isNotNull();
    assertThat(Duration.between(java.time.Instant.now(), tick.nextTimer().at()))
        .isGreaterThan(Duration.ofMinutes(59));

    HttpResponseMessage signal =
        call(
            "POST",
            "/continuations/" + id + "/signals",
            "{\"kind\": \"approve\", \"body\": {\"note\": \"go\"}}",
            principal("acme"));
    assertThat(signal.getStatusCode()).isEqualTo(202);
    assertThat(durable.raised).hasSize(1);
    assertThat(durable.raised.getFirst().get("instance")).isEqualTo(id);
    assertThat(durable.raised.getFirst().get("event"))
        .isEqualTo(ContinuationOrchestrator.WAKE_EVENT);
    Wake raised = Json.read(durable.raised.getFirst().get("payload"), Wake.class);
    assertThat(raised.channel()).isEqualTo("approve");

    // the kill goes the same way, and its tick ends the continuation
    assertThat(call("DELETE", "/continuations/" + id, null, principal("acme")).getStatusCode())
        .isEqualTo(202);
    Wake kill = Json.read(durable.raised.getLast().get("payload"), Wake.class);
    TickActivityResult killed =
        TickActivityResult.fromJson(
            runtime.tickActivities().tickJson(new TickActivityInput("acme", id, kill).toJson()));
    assertThat(killed.terminal()).isTrue();
    assertThat(killed.status()).isEqualTo("KILLED");
  }
}
