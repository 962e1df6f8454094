package dev.maestro.core.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.core.dispatch.WireServer;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * A token issuer for tests: an RSA key generated here, its JWK set served by a local HTTP server
 * (not the real issuer), the {@link JwtSettings} environment that points a runtime at it, and
 * bearer tokens it signs. Shared with the cloud modules' tests through the test-jar.
 */
public final class TestIssuer implements AutoCloseable {

  private static final String KEY_ID = "k1";

  private final String issuer;
  private final String audience;
  private final String tenantClaim;
  private final RSAKey key;
  private final RSAKey stranger;
  private final WireServer jwks = new WireServer();

  private TestIssuer(String issuer, String audience, String tenantClaim) throws JOSEException {
    this.issuer = issuer;
    this.audience = audience;
    this.tenantClaim = tenantClaim;
    this.key = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
    // Same key id, another key: a forgery that names a trusted key.
    this.stranger = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
    for (int i = 0; i < 8; i++) jwks.reply(200, new JWKSet(key.toPublicJWK()).toString());
  }

  /** An issuer named {@code issuer} for {@code audience}, naming tenants in {@code tenantClaim}. */
  public static TestIssuer start(String issuer, String audience, String tenantClaim) {
    try {
      return new TestIssuer(issuer, audience, tenantClaim);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  /** The settings ({@link JwtSettings#fromEnvironment}) that trust this issuer. */
  public Map<String, String> environment() {
    return Map.of(
        JwtSettings.ISSUER,
        issuer,
        JwtSettings.JWKS_URL,
        jwks.base().resolve("/keys").toString(),
        JwtSettings.AUDIENCE,
        audience,
        JwtSettings.TENANT_CLAIM,
        tenantClaim);
  }

  /** A token of subject {@code ada} for {@code tenant}, valid for five minutes. */
  public String token(String tenant) {
    return sign(key, tenant);
  }

  /** As {@link #token}, signed by another key under the trusted key's id. */
  public String forgedToken(String tenant) {
    return sign(stranger, tenant);
  }

  private String sign(RSAKey signer, String tenant) {
    try {
      var jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(KEY_ID)
                  .type(JOSEObjectType.JWT)
                  .build(),
              new JWTClaimsSet.Builder()
                  .issuer(issuer)
                  .audience(audience)
                  .subject("ada")
                  .claim(tenantClaim, tenant)
                  .issueTime(new Date())
                  .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                  .build());
      jwt.sign(new RSASSASigner(signer));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  @Override
  public void close() {
    jwks.close();
  }
}
