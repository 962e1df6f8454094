package dev.maestro.azure.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.WireServer;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.jwt.JwtSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With an issuer configured, the HTTP function verifies the bearer token itself against the JWK set
 * (served by a local HTTP server from locally generated keys) and requires the Easy Auth principal,
 * when present, to name the same tenant.
 */
class BearerVerificationTest {

  static final String ISSUER = "https://login.example.test/dir/v2.0";
  static final String AUDIENCE = "api://maestro";

  private static RSAKey key;
  private static WireServer jwks;
  private static Identity verifier;

  @BeforeAll
  static void issuer() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    jwks = new WireServer();
    for (int i = 0; i < 8; i++) jwks.reply(200, new JWKSet(key.toPublicJWK()).toString());
    verifier =
        HttpApiFunction.tokenVerifier(
            Map.of(
                JwtSettings.ISSUER,
                ISSUER,
                JwtSettings.JWKS_URL,
                jwks.base().resolve("/keys").toString(),
                JwtSettings.AUDIENCE,
                AUDIENCE,
                JwtSettings.TENANT_CLAIM,
                EasyAuthIdentity.DEFAULT_TENANT_CLAIM),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    jwks.close();
  }

  private final HttpApiFunction function =
      new HttpApiFunction(
          client -> {
            throw new AssertionError("no route is called here");
          },
          EasyAuthIdentity.DEFAULT_TENANT_CLAIM,
          verifier);

  private static String bearer(String tenant) throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("ada")
                .claim(EasyAuthIdentity.DEFAULT_TENANT_CLAIM, tenant)
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
    jwt.sign(new RSASSASigner(key));
    return "Bearer " + jwt.serialize();
  }

  private static String easyAuth(String tenant) {
    return EasyAuthIdentity.encode(
        Map.of("sub", "ada", EasyAuthIdentity.DEFAULT_TENANT_CLAIM, tenant));
  }

  @Test
  void givenATokenAndAPrincipalForOneTenant_whenAuthenticated_thenTheTokensPrincipalIsTheCaller()
      throws Exception {
    assertThat(function.caller(easyAuth("acme")).authenticate(bearer("acme")).tenant())
        .isEqualTo(TenantId.of("acme"));
  }

  @Test
  void givenATokenForAnotherTenantThanThePrincipal_whenAuthenticated_thenUnauthorized()
      throws Exception {
    String token = bearer("globex");
    assertThatThrownBy(() -> function.caller(easyAuth("acme")).authenticate(token))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("different tenants");
  }

  @Test
  void givenAForgedToken_whenAuthenticatedDespiteAPrincipal_thenUnauthorized() {
    assertThatThrownBy(() -> function.caller(easyAuth("acme")).authenticate("Bearer a.b.c"))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void givenNoPrincipalHeader_whenTheTokenVerifies_thenItAloneNamesTheCaller() throws Exception {
    assertThat(function.caller(null).authenticate(bearer("acme")).subject()).isEqualTo("ada");
  }
}
