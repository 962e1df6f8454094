package dev.maestro.core.security.jwt;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a bearer token must be to be accepted: its issuer, where the issuer publishes its signing
 * keys (a JWK set), the audiences it may be for and the claim that carries the audience, the claims
 * that name the tenant, subject and scopes, any claim values it must carry, and how much clock skew
 * is tolerated on {@code exp}/{@code nbf}.
 *
 * @param issuer the exact {@code iss}
 * @param jwksUri the issuer's JWK set
 * @param audiences accepted values of {@code audienceClaim} (one must match)
 * @param audienceClaim {@code aud} for ID tokens and Entra access tokens; {@code client_id} for
 *     Cognito access tokens, which carry no {@code aud}
 * @param tenantClaim the claim naming the caller's tenant
 * @param subjectClaims claims that may name the subject, in order of preference
 * @param scopeClaims claims holding space-separated scopes
 * @param requiredValues claims that must have exactly these values (e.g. Cognito's {@code
 *     token_use=access})
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 */
public record JwtSettings(
    String issuer,
    URI jwksUri,
    Set<String> audiences,
    String audienceClaim,
    String tenantClaim,
    List<String> subjectClaims,
    List<String> scopeClaims,
    Map<String, String> requiredValues,
    Duration clockSkew) {

  /** The default tolerance on {@code exp} and {@code nbf}. */
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);

  /** Settings read from the environment: a generic issuer. */
  public static final String ISSUER = "MAESTRO_JWT_ISSUER";

  public static final String JWKS_URL = "MAESTRO_JWT_JWKS_URL";
  public static final String AUDIENCE = "MAESTRO_JWT_AUDIENCE";
  public static final String TENANT_CLAIM = "MAESTRO_JWT_TENANT_CLAIM";

  /** Settings read from the environment: a Cognito user pool. */
  public static final String COGNITO_USER_POOL_ID = "MAESTRO_COGNITO_USER_POOL_ID";

  public static final String COGNITO_CLIENT_ID = "MAESTRO_COGNITO_CLIENT_ID";

  /** Settings read from the environment: an Entra ID directory. */
  public static final String ENTRA_TENANT_ID = "MAESTRO_ENTRA_TENANT_ID";

  public static final String ENTRA_AUDIENCE = "MAESTRO_ENTRA_AUDIENCE";

  public JwtSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(jwksUri, "jwksUri");
    audiences = Set.copyOf(audiences);
    Objects.requireNonNull(audienceClaim, "audienceClaim");
    Objects.requireNonNull(tenantClaim, "tenantClaim");
    subjectClaims = List.copyOf(subjectClaims);
    scopeClaims = List.copyOf(scopeClaims);
    requiredValues = Map.copyOf(requiredValues);
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (issuer.isBlank()) throw new IllegalArgumentException("the issuer must not be blank");
    if (audiences.isEmpty()) throw new IllegalArgumentException("name at least one audience");
    if (!"https".equals(jwksUri.getScheme()) && !isLoopback(jwksUri)) {
      throw new IllegalArgumentException(
          "the JWK set must be fetched over https (or from a loopback address): " + jwksUri);
    }
  }

  /**
   * A Cognito user pool's access tokens: issuer {@code
   * https://cognito-idp.<region>.amazonaws.com/<pool>}, keys at its {@code /.well-known/jwks.json},
   * {@code client_id} = the app client, {@code token_use=access}.
   *
   * @param tenantClaim the claim that names the tenant (e.g. a custom attribute put into access
   *     tokens by a pre-token-generation trigger)
   */
  public static JwtSettings cognito(
      String region, String userPoolId, String appClientId, String tenantClaim) {
    String issuer = "https://cognito-idp." + region + ".amazonaws.com/" + userPoolId;
    return new JwtSettings(
        issuer,
        URI.create(issuer + "/.well-known/jwks.json"),
        Set.of(appClientId),
        "client_id",
        tenantClaim,
        List.of("sub", "username"),
        List.of("scope"),
        Map.of("token_use", "access"),
        DEFAULT_SKEW);
  }

  /**
   * An Entra ID (v2.0) directory's access tokens for an API: issuer {@code
   * https://login.microsoftonline.com/<directory>/v2.0}, keys at {@code .../discovery/v2.0/keys},
   * {@code aud} = the API's application id (URI).
   */
  public static JwtSettings entra(String directoryId, String audience, String tenantClaim) {
    String base = "https://login.microsoftonline.com/" + directoryId;
    return new JwtSettings(
        base + "/v2.0",
        URI.create(base + "/discovery/v2.0/keys"),
        Set.of(audience),
        "aud",
        tenantClaim,
        List.of("oid", "sub"),
        List.of("scp", "roles"),
        Map.of(),
        DEFAULT_SKEW);
  }

  /**
   * The settings {@code env} configures, if any: a Cognito pool ({@value #COGNITO_USER_POOL_ID},
   * {@value #COGNITO_CLIENT_ID}, {@code AWS_REGION}), an Entra directory ({@value
   * #ENTRA_TENANT_ID}, {@value #ENTRA_AUDIENCE}) or a generic issuer ({@value #ISSUER}, {@value
   * #JWKS_URL}, {@value #AUDIENCE}); the tenant claim from {@value #TENANT_CLAIM} (default {@code
   * tenant}). Null when none is configured.
   *
   * @throws IllegalArgumentException naming the missing setting when one is half configured
   */
  public static JwtSettings fromEnvironment(Map<String, String> env) {
    String tenantClaim = env.getOrDefault(TENANT_CLAIM, "tenant");
    if (present(env, COGNITO_USER_POOL_ID)) {
      return cognito(
          required(env, "AWS_REGION"),
          env.get(COGNITO_USER_POOL_ID),
          required(env, COGNITO_CLIENT_ID),
          tenantClaim);
    }
    if (present(env, ENTRA_TENANT_ID)) {
      return entra(env.get(ENTRA_TENANT_ID), required(env, ENTRA_AUDIENCE), tenantClaim);
    }
    if (present(env, ISSUER)) {
      return new JwtSettings(
          env.get(ISSUER),
          URI.create(required(env, JWKS_URL)),
          Set.of(required(env, AUDIENCE).split(",")),
          "aud",
          tenantClaim,
          List.of("sub"),
          List.of("scope", "scp"),
          Map.of(),
          DEFAULT_SKEW);
    }
    return null;
  }

  private static boolean present(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }

  private static String required(Map<String, String> env, String name) {
    if (!present(env, name)) {
      throw new IllegalArgumentException("token verification is half configured: set " + name);
    }
    return env.get(name).strip();
  }

  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return "http".equals(uri.getScheme())
        && host != null
        && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }
}
