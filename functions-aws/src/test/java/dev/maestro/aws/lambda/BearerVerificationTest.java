package dev.maestro.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.aws.local.LambdaEventReader;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.dispatch.WireServer;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.jwt.JwtSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
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

  private static RSAKey key;
  private static RSAKey stranger;
  private static WireServer jwks;
  private static Identity verifier;

  @BeforeAll
  static void issuer() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    jwks = new WireServer();
    for (int i = 0; i < 8; i++) jwks.reply(200, new JWKSet(key.toPublicJWK()).toString());
    verifier =
        ApiHandler.tokenVerifier(
            Map.of(
                JwtSettings.ISSUER,
                ISSUER,
                JwtSettings.JWKS_URL,
                jwks.base().resolve("/keys").toString(),
                JwtSettings.AUDIENCE,
                AUDIENCE,
                JwtSettings.TENANT_CLAIM,
                "custom:tenant"),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    jwks.close();
  }

  private final ContinuationService service =
      new ContinuationService(
          new MemorySubstrate().substrate(), Clock.systemUTC(), new SplittableRandom(3));
  private final ApiHandler handler =
      new ApiHandler(ApiHandler.router(service), ApiGatewayIdentity.DEFAULT_TENANT_CLAIM, verifier);

  private static String token(RSAKey signer, String tenant) throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("ada")
                .claim("custom:tenant", tenant)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
    jwt.sign(new RSASSASigner(signer));
    return jwt.serialize();
  }

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
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(token(key, "acme"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    assertThat(Json.tree(r.getBody()).path("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void givenATokenForAnotherTenantThanTheAuthorizers_whenHandled_then401() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(token(key, "globex"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(401);
    assertThat(r.getBody()).contains("different tenants");
  }

  @Test
  void givenATokenSignedByAnotherKey_whenHandledDespiteTheClaims_then401() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(token(stranger, "acme"), true), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(401);
  }

  @Test
  void givenNoAuthorizerClaims_whenTheTokenVerifies_thenItAloneNamesTheCaller() throws Exception {
    APIGatewayV2HTTPResponse r = handler.handleRequest(create(token(key, "acme"), false), null);

    assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
  }
}
