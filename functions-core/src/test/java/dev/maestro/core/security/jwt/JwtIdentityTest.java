package dev.maestro.core.security.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.WireServer;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Principal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bearer tokens minted here with locally generated RSA and EC keys, verified against JWK sets held
 * in memory or served over HTTP by a local server (the issuers themselves are not contacted).
 */
class JwtIdentityTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String ISSUER = "https://login.example.test/tenant-dir/v2.0";
  private static final String AUDIENCE = "api://maestro";

  private static RSAKey rsa;
  private static RSAKey otherRsa;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    otherRsa = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  private static JwtSettings generic() {
    return new JwtSettings(
        ISSUER,
        URI.create("https://login.example.test/keys"),
        Set.of(AUDIENCE),
        "aud",
        "tenant",
        List.of("sub"),
        List.of("scp"),
        Map.of(),
        JwtSettings.DEFAULT_SKEW);
  }

  private static JwtIdentity identity(JwtSettings settings) {
    return new JwtIdentity(
        settings,
        new ImmutableJWKSet<>(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()))),
        CLOCK);
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("user-42")
        .claim("tenant", "acme")
        .claim("scp", "continuations.write fields.read")
        .issueTime(Date.from(NOW.minusSeconds(60)))
        .expirationTime(Date.from(NOW.plusSeconds(600)));
  }

  private static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return "Bearer " + jwt.serialize();
  }

  private static String token(UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
    return rs256(rsa, edit.apply(claims()).build());
  }

  @Test
  void aValidRs256TokenGivesThePrincipalFromItsClaims() throws Exception {
    Principal p = identity(generic()).authenticate(token(b -> b));

    assertThat(p.tenant()).isEqualTo(TenantId.of("acme"));
    assertThat(p.subject()).isEqualTo("user-42");
    assertThat(p.scopes()).containsExactlyInAnyOrder("continuations.write", "fields.read");
  }

  @Test
  void aValidEs256TokenIsAccepted() throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(),
            claims().build());
    jwt.sign(new ECDSASigner(ec));

    assertThat(identity(generic()).authenticate("Bearer " + jwt.serialize()).tenant().value())
        .isEqualTo("acme");
  }

  @Test
  void everyClaimCheckRefusesWithA401() throws Exception {
    JwtIdentity id = identity(generic());
    Map<String, String> refusals =
        Map.of(
            token(b -> b.issuer("https://evil.example.test/v2.0")), "issuer",
            token(b -> b.audience("api://someone-else")), "not meant for this API",
            token(b -> b.expirationTime(Date.from(NOW.minusSeconds(61)))), "expired",
            token(b -> b.expirationTime(null)), "no expiry",
            token(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(120)))), "not valid before",
            token(b -> b.claim("tenant", "Not A Tenant!")), "not a valid tenant id",
            token(b -> b.claim("tenant", null)), "no tenant claim");
    refusals.forEach(
        (header, why) ->
            assertThatThrownBy(() -> id.authenticate(header))
                .as(why)
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining(why));
  }

  @Test
  void clockSkewWithinTheToleranceIsAccepted() throws Exception {
    JwtIdentity id = identity(generic());
    assertThat(id.authenticate(token(b -> b.expirationTime(Date.from(NOW.minusSeconds(59))))))
        .isNotNull();
    assertThat(id.authenticate(token(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(59))))))
        .isNotNull();
  }

  @Test
  void aTamperedSignatureAnUnknownKeyAndForgedAlgorithmsAreRefused() throws Exception {
    JwtIdentity id = identity(generic());
    String good = token(b -> b).substring("Bearer ".length());
    String[] parts = good.split("\\.");
    String otherPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(claims().claim("tenant", "globex").build().toString().getBytes());
    String tampered = parts[0] + "." + otherPayload + "." + parts[2];
    assertThatThrownBy(() -> id.authenticate("Bearer " + tampered))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("signature");

    assertThatThrownBy(() -> id.authenticate(rs256(otherRsa, claims().build())))
        .isInstanceOf(UnauthorizedException.class);

    String none = new PlainJWT(claims().build()).serialize();
    assertThatThrownBy(() -> id.authenticate("Bearer " + none))
        .isInstanceOf(UnauthorizedException.class);

    // HS256 "signed" with the public key's bytes: the classic algorithm-confusion forgery
    var hs =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
            claims().build());
    hs.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
    assertThatThrownBy(() -> id.authenticate("Bearer " + hs.serialize()))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void malformedHeadersAreRefused() {
    JwtIdentity id = identity(generic());
    for (String header :
        new String[] {
          null,
          "",
          "Basic dXNlcjpwYXNz",
          "Bearer",
          "Bearer not.a.jwt",
          "Bearer " + "x".repeat(20_000)
        }) {
      assertThatThrownBy(() -> id.authenticate(header))
          .as(String.valueOf(header).substring(0, Math.min(20, String.valueOf(header).length())))
          .isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void cognitoAccessTokensAreCheckedByClientIdAndTokenUse() throws Exception {
    JwtSettings cognito =
        JwtSettings.cognito("eu-west-1", "eu-west-1_AbC123", "client-7", "custom:tenant");
    assertThat(cognito.issuer())
        .isEqualTo("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    assertThat(cognito.jwksUri().toString()).endsWith("/eu-west-1_AbC123/.well-known/jwks.json");
    JwtIdentity id = identity(cognito);
    UnaryOperator<JWTClaimsSet.Builder> access =
        b ->
            b.issuer(cognito.issuer())
                .audience((String) null)
                .claim("client_id", "client-7")
                .claim("token_use", "access")
                .claim("custom:tenant", "acme")
                .claim("scope", "maestro/continuations.write");

    Principal p = id.authenticate(token(access));
    assertThat(p.tenant().value()).isEqualTo("acme");
    assertThat(p.scopes()).containsExactly("maestro/continuations.write");

    assertThatThrownBy(() -> id.authenticate(token(b -> access.apply(b).claim("token_use", "id"))))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("token_use");
    assertThatThrownBy(
            () -> id.authenticate(token(b -> access.apply(b).claim("client_id", "client-8"))))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("client_id");
  }

  @Test
  void entraAccessTokensAreCheckedByAudienceAndTakeScopesAndRoles() throws Exception {
    JwtSettings entra = JwtSettings.entra("dir-1", "api://maestro", "extension_tenant");
    assertThat(entra.issuer()).isEqualTo("https://login.microsoftonline.com/dir-1/v2.0");
    assertThat(entra.jwksUri().toString())
        .isEqualTo("https://login.microsoftonline.com/dir-1/discovery/v2.0/keys");
    Principal p =
        identity(entra)
            .authenticate(
                token(
                    b ->
                        b.issuer(entra.issuer())
                            .audience(List.of("api://maestro", "other"))
                            .claim("oid", "object-9")
                            .claim("extension_tenant", "acme")
                            .claim("scp", "fields.read")
                            .claim("roles", List.of("Operator"))));
    assertThat(p.subject()).isEqualTo("object-9");
    assertThat(p.scopes()).containsExactlyInAnyOrder("fields.read", "Operator");
  }

  @Test
  void aRotatedKeyIsFetchedFromTheIssuersKeySetWithoutARestart() throws Exception {
    try (var issuer = new WireServer()) {
      issuer.reply(200, new JWKSet(rsa.toPublicJWK()).toString());
      issuer.reply(200, new JWKSet(List.of(rsa.toPublicJWK(), otherRsa.toPublicJWK())).toString());
      var settings =
          new JwtSettings(
              ISSUER,
              issuer.base().resolve("/keys"),
              Set.of(AUDIENCE),
              "aud",
              "tenant",
              List.of("sub"),
              List.of("scp"),
              Map.of(),
              Duration.ofSeconds(60));
      JwtIdentity id = JwtIdentity.remote(settings, CLOCK, 0);

      assertThat(id.authenticate(rs256(rsa, claims().build())).subject()).isEqualTo("user-42");
      assertThat(id.authenticate(rs256(otherRsa, claims().build())).subject()).isEqualTo("user-42");
      assertThat(issuer.received())
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.path()).isEqualTo("/keys"));
    }
  }

  @Test
  void settingsComeFromTheEnvironmentAndAHalfConfigurationIsNamed() {
    assertThat(JwtSettings.fromEnvironment(Map.of())).isNull();
    JwtSettings cognito =
        JwtSettings.fromEnvironment(
            Map.of(
                "AWS_REGION",
                "us-east-1",
                JwtSettings.COGNITO_USER_POOL_ID,
                "us-east-1_X",
                JwtSettings.COGNITO_CLIENT_ID,
                "c1",
                JwtSettings.TENANT_CLAIM,
                "custom:tenant"));
    assertThat(cognito.audienceClaim()).isEqualTo("client_id");
    assertThat(cognito.tenantClaim()).isEqualTo("custom:tenant");
    JwtSettings entra =
        JwtSettings.fromEnvironment(
            Map.of(JwtSettings.ENTRA_TENANT_ID, "d1", JwtSettings.ENTRA_AUDIENCE, "api://m"));
    assertThat(entra.audiences()).containsExactly("api://m");
    assertThatThrownBy(() -> JwtSettings.fromEnvironment(Map.of(JwtSettings.ENTRA_TENANT_ID, "d1")))
        .hasMessageContaining(JwtSettings.ENTRA_AUDIENCE);
    assertThatThrownBy(
            () ->
                JwtSettings.fromEnvironment(
                    Map.of(
                        JwtSettings.ISSUER, "https://i",
                        JwtSettings.JWKS_URL, "http://keys.example.test/jwks",
                        JwtSettings.AUDIENCE, "a")))
        .hasMessageContaining("https");
  }
}
