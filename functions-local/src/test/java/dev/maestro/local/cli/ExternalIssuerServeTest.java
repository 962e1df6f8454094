package dev.maestro.local.cli;

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
import dev.maestro.core.security.jwt.JwtSettings;
import dev.maestro.core.substrate.Observability;
import dev.maestro.local.runtime.LocalConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maestro serve --jwt-issuer ...}: tokens of an external issuer instead of the dev issuer.
 */
class ExternalIssuerServeTest {

  static final String ISSUER = "https://idp.example.test";

  @TempDir Path dir;

  @Test
  void givenAnExternalIssuer_whenServing_thenItsTokensAreAcceptedAndDevTokensRefused()
      throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    try (var jwks = new WireServer()) {
      for (int i = 0; i < 4; i++) jwks.reply(200, new JWKSet(key.toPublicJWK()).toString());
      var serve = new ServeCommand();
      serve.jwtIssuer = ISSUER;
      serve.jwtJwksUrl = jwks.base().resolve("/keys").toString();
      serve.jwtAudience = "maestro-api";
      JwtSettings settings = serve.externalJwt(Map.of());

      try (LocalStack stack =
          LocalStack.start(
              LocalConfig.defaults(dir),
              "127.0.0.1",
              0,
              Observability.NONE,
              null,
              Map.of(),
              settings)) {
        var jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID("k1")
                    .type(JOSEObjectType.JWT)
                    .build(),
                new JWTClaimsSet.Builder()
                    .issuer(ISSUER)
                    .audience("maestro-api")
                    .subject("ada")
                    .claim("tenant", "acme")
                    .issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                    .build());
        jwt.sign(new RSASSASigner(key));

        assertThat(post(stack, jwt.serialize())).isEqualTo(201);
        String dev = stack.issuer.mint(TenantId.of("acme"), "alice", Duration.ofMinutes(5));
        assertThat(post(stack, dev)).isEqualTo(401);
      }
    }
  }

  @Test
  void givenOnlyAnIssuer_whenResolved_thenTheMissingSettingIsNamed() {
    var serve = new ServeCommand();
    serve.jwtIssuer = ISSUER;
    assertThatThrownBy(() -> serve.externalJwt(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(JwtSettings.JWKS_URL);
    assertThat(new ServeCommand().externalJwt(Map.of())).isNull();
  }

  private static int post(LocalStack stack, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/continuations"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"objective\": \"x\", \"budget\": {\"maxUsd\": 1}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
