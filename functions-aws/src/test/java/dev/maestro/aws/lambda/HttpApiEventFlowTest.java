package dev.maestro.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.aws.dynamodb.DynamoBudgetLedger;
import dev.maestro.aws.dynamodb.DynamoDbLocalFixture;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.aws.local.LambdaEventReader;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.learned.ShadowKernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our event translation and claims identity, driven by events in the documented HTTP API payload
 * format 2.0 shape (files under {@code events/}, read the way the Lambda Java runtime does: by bean
 * property name, unknown fields ignored) through the shared router onto the DynamoDB substrate on
 * DynamoDB Local. API Gateway itself (routing, the JWT authorizer's verification) is not involved:
 * the claims in the files stand for what the authorizer would have verified.
 */
class HttpApiEventFlowTest {

  private static final String CLAIM = ApiGatewayIdentity.DEFAULT_TENANT_CLAIM;

  private static DynamoDbLocalFixture dynamo;
  private ApiHandler handler;
  private DynamoTables tables;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocalFixture.start();
  }

  @AfterAll
  static void stopDynamo() {
    dynamo.close();
  }

  @BeforeEach
  void freshTables() {
    tables = dynamo.freshTables("api");
    var substrate = new DynamoSubstrate(dynamo.client(), tables);
    var service =
        new ContinuationService(substrate.substrate(), Clock.systemUTC(), new SecureRandom());
    handler = new ApiHandler(ApiHandler.router(service), CLAIM);
  }

  // ---- the event files read as the documented shape ----

  @Test
  void givenTheCreateEventFile_whenRead_thenTheFormat2FieldsLandInTheEventsLibraryTypes() {
    APIGatewayV2HTTPEvent event = event("create-continuation.json");

    assertThat(event.getVersion()).isEqualTo("2.0");
    assertThat(event.getRequestContext().getHttp().getMethod()).isEqualTo("POST");
    assertThat(event.getRawPath()).isEqualTo("/continuations");
    assertThat(event.getIsBase64Encoded()).isFalse();
    assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims())
        .containsEntry("custom:tenant", "acme")
        .containsEntry("sub", "7d8ca528-4931-4254-9273-ea5ee853f271");
    assertThat(event("create-base64-body.json").getIsBase64Encoded()).isTrue();
  }

  // ---- create, read, signal ----

  @Test
  void givenACreateEvent_whenHandled_thenItIsCreatedForTheClaimsTenantWithALocation() {
    APIGatewayV2HTTPResponse r = handle(event("create-continuation.json"));

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    assertThat(r.getIsBase64Encoded()).isFalse();
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode body = Json.tree(r.getBody());
    String id = body.path("id").asText();
    assertThat(r.getHeaders()).containsEntry("Location", "/continuations/" + id);
    assertThat(body.path("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void givenABase64EncodedBody_whenHandled_thenItIsDecodedBeforeParsing() {
    APIGatewayV2HTTPResponse r = handle(event("create-base64-body.json"));

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    assertThat(Json.tree(r.getBody()).path("goalFrame").path("objective").asText())
        .isEqualTo("Evidence brief on rumen-protected choline");
  }

  @Test
  void givenACreatedContinuation_whenTheGetEventIsHandled_thenTheViewIsReturned() {
    String id = create();

    APIGatewayV2HTTPResponse r = handle(at(event("get-continuation.json"), "/continuations/" + id));

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
    assertThat(Json.tree(r.getBody()).path("continuation").path("id").asText()).isEqualTo(id);
  }

  @Test
  void givenACreatedContinuation_whenTheSignalEventIsHandled_thenItIsAccepted() {
    String id = create();

    APIGatewayV2HTTPResponse r =
        handle(at(event("signal-approve.json"), "/continuations/" + id + "/signals"));

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(202);
    JsonNode body = Json.tree(r.getBody());
    assertThat(body.path("continuationId").asText()).isEqualTo(id);
    assertThat(body.path("kind").asText()).isEqualTo("approve");
  }

  // ---- the tenant daily cap at ingress ----

  @Test
  void givenTheTenantsDailyCapReached_whenACreateEventIsHandled_thenItIs429AndNothingIsWritten() {
    Clock clock = Clock.systemUTC();
    var ledger = new DynamoBudgetLedger(dynamo.client(), tables, clock, Duration.ofMinutes(15));
    var policies = new InMemoryPolicyStore();
    var substrate = new DynamoSubstrate(dynamo.client(), tables);
    var service = new ContinuationService(substrate.substrate(), clock, new SecureRandom());
    var capped =
        new ApiHandler(
            ApiHandler.router(
                service,
                policies,
                clock,
                TenantDailyCap.of(ledger, clock, t -> policies.policyFor(t).dailyLimits()),
                ShadowKernel.rulesOnly()),
            CLAIM);
    TenantId acme = TenantId.of("acme");
    ledger.limitTenantDaily(acme, BudgetLimits.ofUsd(new BigDecimal("2.00"), 0));
    ContinuationId spender = ContinuationId.of("0190f0a0-0000-7000-8000-000000000001");
    ledger.reserve(new BudgetLedger.Spender(spender, spender, acme), new BigDecimal("2.00"), 0);

    APIGatewayV2HTTPResponse r = capped.handleRequest(event("create-continuation.json"), null);

    assertProblem(r, 429, ApiRouter.DAILY_CAP_PROBLEM);
    assertThat(Long.parseLong(r.getHeaders().get("Retry-After"))).isBetween(1L, 86_400L);
    assertThat(Json.tree(r.getBody()).path("detail").asText()).contains("daily budget cap");
    assertThat(substrate.substrate().continuations().scanUnfinished(null, 10))
        .as("nothing written")
        .isEmpty();
  }

  // ---- tenant from claims only ----

  @Test
  void givenAnotherTenantsClaims_whenTheCreatedIdIsRead_thenItIsNotFound() {
    String id = create();
    APIGatewayV2HTTPEvent get = at(event("get-continuation.json"), "/continuations/" + id);
    withClaim(get, CLAIM, "globex");

    APIGatewayV2HTTPResponse r = handle(get);

    assertProblem(r, 404, "not_found");
  }

  @Test
  void givenATenantInTheBody_whenHandled_thenItIsRejectedAndTheClaimAloneNamesTheTenant() {
    APIGatewayV2HTTPEvent create = event("create-continuation.json");
    create.setBody(
        """
        {"objective": "x", "budget": {"maxUsd": 1}, "tenant": "globex"}""");

    APIGatewayV2HTTPResponse r = handle(create);

    assertProblem(r, 400, "invalid_input");
    assertThat(Json.tree(r.getBody()).path("errors").get(0).path("pointer").asText())
        .isEqualTo("/tenant");
  }

  @Test
  void givenOnlyTheFallbackTenantClaim_whenHandled_thenThatTenantIsUsed() {
    APIGatewayV2HTTPEvent create = event("create-without-tenant-claim.json");
    withClaim(create, ApiGatewayIdentity.FALLBACK_TENANT_CLAIM, "initech");

    APIGatewayV2HTTPResponse r = handle(create);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    assertThat(Json.tree(r.getBody()).path("tenant").asText()).isEqualTo("initech");
  }

  // ---- failures ----

  @Test
  void givenNoTenantClaim_whenHandled_thenItIs401ProblemJson() {
    APIGatewayV2HTTPResponse r = handle(event("create-without-tenant-claim.json"));

    assertProblem(r, 401, "unauthorized");
    assertThat(r.getHeaders()).containsKey("WWW-Authenticate");
  }

  @Test
  void givenAnInvalidTenantClaim_whenHandled_thenItIs401EvenWithAValidFallback() {
    APIGatewayV2HTTPEvent create = event("create-continuation.json");
    withClaim(create, CLAIM, "Not A Tenant");
    withClaim(create, ApiGatewayIdentity.FALLBACK_TENANT_CLAIM, "acme");

    assertProblem(handle(create), 401, "unauthorized");
  }

  @Test
  void givenNoAuthorizerBlock_whenHandled_thenItIs401() {
    APIGatewayV2HTTPEvent create = event("create-continuation.json");
    create.getRequestContext().setAuthorizer(null);

    assertProblem(handle(create), 401, "unauthorized");
  }

  @Test
  void givenAMalformedBody_whenHandled_thenItIs400ProblemJson() {
    APIGatewayV2HTTPResponse r = handle(event("create-malformed-body.json"));

    assertProblem(r, 400, "invalid_input");
    assertThat(Json.tree(r.getBody()).path("detail").asText()).contains("malformed JSON");
  }

  @Test
  void givenARepeatedQueryParameter_whenTranslated_thenTheRawQueryKeepsTheRepetition() {
    APIGatewayV2HTTPEvent get = event("get-continuation.json");
    get.setRawQueryString("limit=5&limit=6&after=a%2Cb");
    get.setQueryStringParameters(Map.of("limit", "5,6", "after", "a,b"));

    ApiRequest request = HttpApiEvents.toRequest(get);

    assertThat(request.query()).containsEntry("limit", List.of("5", "6"));
    assertThat(request.query()).containsEntry("after", List.of("a,b"));
    assertThat(request.header("Content-Type")).contains("application/json");
  }

  @Test
  void givenAFormat1Event_whenTranslated_thenItIsRejectedAsAMisconfiguredIntegration() {
    var event = new APIGatewayV2HTTPEvent();
    event.setRawPath("/continuations");

    assertThatThrownBy(() -> HttpApiEvents.toRequest(event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload format 2.0");
  }

  @Test
  void givenClaimsWithoutASubject_whenAuthenticated_thenItIsUnauthorized() {
    var identity = new ApiGatewayIdentity(Map.of(CLAIM, "acme"), CLAIM);

    assertThatThrownBy(() -> identity.authenticate("Bearer x"))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void givenTheScopeClaim_whenAuthenticated_thenEachSpaceSeparatedScopeIsGranted() {
    var identity =
        ApiGatewayIdentity.of(
            event("create-continuation.json"), ApiGatewayIdentity.DEFAULT_TENANT_CLAIM);

    assertThat(identity.authenticate(null).scopes())
        .containsExactlyInAnyOrder("maestro/continuations.write", "maestro/continuations.read");
  }

  // ---- helpers ----

  /** One request through the handler (no Lambda context is needed by it). */
  private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    return handler.handleRequest(event, null);
  }

  private String create() {
    APIGatewayV2HTTPResponse r = handle(event("create-continuation.json"));
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    return Json.tree(r.getBody()).path("id").asText();
  }

  private static APIGatewayV2HTTPEvent event(String name) {
    try (InputStream in = HttpApiEventFlowTest.class.getResourceAsStream("/events/" + name)) {
      assertThat(in).as(name).isNotNull();
      return LambdaEventReader.read(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), APIGatewayV2HTTPEvent.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code event} retargeted at {@code path} (the files carry a placeholder id). */
  private static APIGatewayV2HTTPEvent at(APIGatewayV2HTTPEvent event, String path) {
    event.setRawPath(path);
    event.getRequestContext().getHttp().setPath(path);
    return event;
  }

  private static void withClaim(APIGatewayV2HTTPEvent event, String name, String value) {
    var jwt = event.getRequestContext().getAuthorizer().getJwt();
    var claims = new LinkedHashMap<>(jwt.getClaims());
    claims.put(name, value);
    jwt.setClaims(claims);
  }

  private static void assertProblem(APIGatewayV2HTTPResponse r, int status, String code) {
    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
    assertThat(r.getHeaders()).containsEntry("Content-Type", "application/problem+json");
    JsonNode body = Json.tree(r.getBody());
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("type").asText()).isEqualTo("urn:maestro:problem:" + code);
  }
}
