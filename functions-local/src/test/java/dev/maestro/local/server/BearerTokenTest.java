package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Principal;
import dev.maestro.local.server.ApiHarness.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer-token verification by the local issuer, over HTTP: every rejection is a 401 problem. */
class BearerTokenTest {

  @TempDir static Path dir;
  @TempDir static Path otherDir;
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Response getWith(String authorization) {
    return api.send(
        "GET",
        "/continuations/0190abcd-0000-7000-8000-000000000000",
        null,
        null,
        null,
        "Authorization",
        authorization);
  }

  private static void assertRejected(Response r, String detailFragment) {
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    assertThat(r.json().path("type").asText()).isEqualTo("urn:maestro:problem:unauthorized");
    assertThat(r.json().path("detail").asText()).contains(detailFragment);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=\"maestro\"");
  }

  /** Claims as the issuer mints them, changed by {@code edit}, signed with the trusted key. */
  private static String signed(UnaryOperator<JWTClaimsSet.Builder> edit) {
    Instant now = Instant.now();
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(ApiHarness.ISSUER)
            .audience(ApiHarness.AUDIENCE)
            .subject("alice")
            .claim(LocalJwtIssuer.TENANT_CLAIM, "acme")
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(600)));
    return api.issuer.sign(edit.apply(claims).build());
  }

  @Test
  void givenAValidToken_whenUsed_thenTheRequestIsAuthenticated() {
    Response r = getWith("Bearer " + api.token("acme"));

    assertThat(r.status()).as("authenticated, then not found").isEqualTo(404);
  }

  @Test
  void givenTheSchemeInAnotherCase_whenUsed_thenItIsAccepted() {
    assertThat(getWith("bearer " + api.token("acme")).status()).isEqualTo(404);
  }

  @Test
  void givenNoAuthorizationHeader_whenCalled_then401WithoutAnErrorCode() {
    Response r = api.get("/continuations/0190abcd-0000-7000-8000-000000000000", null);

    assertRejected(r, "missing Authorization header");
    assertThat(r.header("WWW-Authenticate")).doesNotContain("invalid_token");
  }

  @Test
  void givenAnotherScheme_whenCalled_then401() {
    Response r = getWith("Basic YWxpY2U6c2VjcmV0");

    assertRejected(r, "scheme must be Bearer");
    assertThat(r.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
  }

  @Test
  void givenGarbage_whenCalled_then401() {
    assertRejected(getWith("Bearer not.a.jwt"), "not a well-formed signed JWT");
    assertRejected(getWith("Bearer " + "a".repeat(9000)), "too long");
  }

  @Test
  void givenATokenFromAnotherKey_whenCalled_then401() {
    var stranger = LocalJwtIssuer.loadOrCreate(otherDir, ApiHarness.ISSUER, ApiHarness.AUDIENCE);

    assertRejected(
        getWith("Bearer " + stranger.mint(TenantId.of("acme"), "mallory", Duration.ofMinutes(5))),
        "unknown key");
  }

  @Test
  void givenATamperedSignature_whenCalled_then401() {
    String token = api.token("acme");
    int mid = token.lastIndexOf('.') + 20;
    char swapped = token.charAt(mid) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, mid) + swapped + token.substring(mid + 1);

    assertRejected(getWith("Bearer " + tampered), "signature is invalid");
  }

  @Test
  void givenATamperedPayload_whenCalled_then401() {
    String token = api.token("acme");
    String[] parts = token.split("\\.");
    String forged =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                    .replace("\"acme\"", "\"globex\"")
                    .getBytes());

    assertRejected(
        getWith("Bearer " + parts[0] + "." + forged + "." + parts[2]), "signature is invalid");
  }

  @Test
  void givenAnHmacToken_whenCalled_then401BeforeAnyKeyIsTried() throws Exception {
    var jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .issuer(ApiHarness.ISSUER)
                .audience(ApiHarness.AUDIENCE)
                .subject("m")
                .claim("tenant", "acme")
                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .build());
    jwt.sign(new MACSigner(new byte[32]));

    assertRejected(getWith("Bearer " + jwt.serialize()), "RS256");
  }

  @Test
  void givenAnExpiredToken_whenCalled_then401() {
    var pastClock = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
    var past = LocalJwtIssuer.loadOrCreate(dir, ApiHarness.ISSUER, ApiHarness.AUDIENCE, pastClock);

    assertRejected(
        getWith("Bearer " + past.mint(TenantId.of("acme"), "alice", Duration.ofMinutes(5))),
        "expired");
  }

  @Test
  void givenATokenExpiredWithinTheSkew_whenCalled_thenItIsStillAccepted() {
    String token = signed(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(20))));

    assertThat(getWith("Bearer " + token).status()).isEqualTo(404);
  }

  @Test
  void givenATokenNotYetValid_whenCalled_then401() {
    assertRejected(
        getWith(
            "Bearer " + signed(c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600))))),
        "not valid before");
  }

  @Test
  void givenATokenWithoutExpiry_whenCalled_then401() {
    assertRejected(getWith("Bearer " + signed(c -> c.expirationTime(null))), "no exp");
  }

  @Test
  void givenAnotherAudience_whenCalled_then401() {
    var other = LocalJwtIssuer.loadOrCreate(dir, ApiHarness.ISSUER, "some-other-api");

    assertRejected(
        getWith("Bearer " + other.mint(TenantId.of("acme"), "alice", Duration.ofMinutes(5))),
        "audience");
  }

  @Test
  void givenAnotherIssuer_whenCalled_then401() {
    var other = LocalJwtIssuer.loadOrCreate(dir, "https://evil.example", ApiHarness.AUDIENCE);

    assertRejected(
        getWith("Bearer " + other.mint(TenantId.of("acme"), "alice", Duration.ofMinutes(5))),
        "issuer");
  }

  @Test
  void givenNoTenantClaim_whenCalled_then401() {
    assertRejected(getWith("Bearer " + signed(c -> c.claim("tenant", null))), "no tenant claim");
  }

  @Test
  void givenAnInvalidTenantClaim_whenCalled_then401() {
    assertRejected(
        getWith("Bearer " + signed(c -> c.claim("tenant", "Not A Tenant!"))), "not a valid tenant");
    assertRejected(getWith("Bearer " + signed(c -> c.claim("tenant", 42))), "not a valid tenant");
  }

  @Test
  void givenNoSubject_whenCalled_then401() {
    assertRejected(getWith("Bearer " + signed(c -> c.subject(null))), "no sub");
  }

  // ---- the issuer itself ----

  @Test
  void
      givenAnExistingKey_whenTheIssuerIsLoadedAgain_thenItKeepsTheKeyAndEarlierTokensStillVerify() {
    String token = api.token("acme");

    var reloaded = LocalJwtIssuer.loadOrCreate(dir, ApiHarness.ISSUER, ApiHarness.AUDIENCE);
    Principal principal = reloaded.identity().authenticate("Bearer " + token);

    assertThat(reloaded.keyId()).isEqualTo(api.issuer.keyId());
    assertThat(principal.tenant()).isEqualTo(TenantId.of("acme"));
    assertThat(principal.subject()).isEqualTo("alice@acme");
  }

  @Test
  void givenScopes_whenVerified_thenThePrincipalCarriesThem() {
    Principal principal =
        api.issuer
            .identity()
            .authenticate(
                "Bearer " + signed(c -> c.claim("scope", "continuations:write signals:send")));

    assertThat(principal.scopes()).containsExactlyInAnyOrder("continuations:write", "signals:send");
  }

  @Test
  void givenAPosixFileSystem_whenTheKeyIsCreated_thenOnlyTheOwnerCanReadIt() throws Exception {
    Path keyFile = dir.resolve(LocalJwtIssuer.KEY_FILE);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        keyFile.getFileSystem().supportedFileAttributeViews().contains("posix"));

    assertThat(Files.getPosixFilePermissions(keyFile))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.getPosixFilePermissions(keyFile.getParent()))
        .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    assertThat(Files.list(keyFile.getParent())).as("no temporary files left").hasSize(1);
  }

  @Test
  void givenANonPositiveTtl_whenMinting_thenRejected() {
    assertThatThrownBy(() -> api.issuer.mint(TenantId.of("acme"), "alice", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void givenTheIdentityDirectly_whenTheHeaderIsMissing_thenUnauthorizedException() {
    assertThatThrownBy(() -> api.issuer.identity().authenticate(null))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> api.issuer.identity().authenticate("Bearer    "))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("empty");
  }
}
