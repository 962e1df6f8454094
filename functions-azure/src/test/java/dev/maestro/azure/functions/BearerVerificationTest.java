package dev.maestro.azure.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.jwt.TestIssuer;
import java.time.Clock;
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

  private static TestIssuer issuer;
  private static Identity verifier;

  @BeforeAll
  static void issuer() {
    issuer = TestIssuer.start(ISSUER, AUDIENCE, EasyAuthIdentity.DEFAULT_TENANT_CLAIM);
    verifier = HttpApiFunction.tokenVerifier(issuer.environment(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  private final HttpApiFunction function =
      new HttpApiFunction(
          client -> {
            throw new AssertionError("no route is called here");
          },
          EasyAuthIdentity.DEFAULT_TENANT_CLAIM,
          verifier);

  private static String bearer(String tenant) {
    return "Bearer " + issuer.token(tenant);
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
