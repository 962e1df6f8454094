package dev.maestro.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.maestro.aws.local.LambdaEventReader;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.jwt.TestIssuer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With an issuer configured, the API handler verifies the bearer token itself against the issuer's
 * JWK set (served here by a local HTTP server from locally generated keys) and requires the JWT
 * authorizer's claims, when present, to name the same tenant.
 */
class BearerVerificationTest {

  static final String ISSUER = "https://issuer.example.test";
  static final String AUDIENCE = "maestro-api";

  private static TestIssuer issuer;
  private static Identity verifier;

  @BeforeAll
  static void issuer() {
    issuer = TestIssuer.start(ISSUER, AUDIENCE, "custom:tenant");
    verifier = ApiHandler.tokenVerifier(issuer.environment(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private final ContinuationService service =
      new ContinuationService(
          new MemorySubstrate().substrate(), Clock.systemUTC(), new SplittableRandom(3));
  private final ApiHandler handler =
      new ApiHandler(ApiHandler.router(service), ApiGatewayIdentity.DEFAULT_TENANT_CLAIM, verifier);

  private static APIGatewayV2HTTPEvent create(String bearer, boolean authorizerClaims)
      throws Exception {
    APIGatewayV2HTTPEvent event;
    try (InputStream in =
        BearerVerificationTest.class.getResourceAsStream("/events/create-continuation.json")) {
      event =
          LambdaEventReader.read(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), APIGatewayV2HTTPEvent.class);
    }
    var headers = new HashMap<>(event.getHeaders());
    headers.put("authorization", "Bearer " + bearer);
    event.setHeaders(headers);
    if (!authorizerClaims) event.getRequestContext().setAuthorizer(null);
    return event;
  }

  @Test
  void givenAValidTokenForTheAuthorizersTenant_whenHandled_thenTheContinuationIsCreated()
      throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(issuer.token("acme"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    assertThat(Json.tree(r.getBody()).path("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void givenATokenForAnotherTenantThanTheAuthorizers_whenHandled_then401() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(issuer.token("globex"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(401);
    assertThat(r.getBody()).contains("different tenants");
  }

  @Test
  void givenATokenSignedByAnotherKey_whenHandledDespiteTheClaims_then401() throws Exception {
    APIGatewayV2HTTPResponse r =
        handler.handleRequest(create(issuer.forgedToken("acme"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(401);
  }

  @Test
  void givenNoAuthorizerClaims_whenTheTokenVerifies_thenItAloneNamesTheCaller() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(issuer.token("acme"), false), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
  }
}
