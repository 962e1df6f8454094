package dev.maestro.core.security;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A caller from claims a gateway has already verified (API Gateway's JWT authorizer, App Service
 * authentication): the tenant from the configured claim (or {@value #FALLBACK_TENANT_CLAIM} when it
 * is absent), the subject from the first present subject claim, scopes from the space-separated
 * scope claims. Fails closed: no claims, no usable tenant or no subject is an {@link
 * UnauthorizedException}.
 */
public final class VerifiedClaims {

  /** The claim read when the configured tenant claim is absent. */
  public static final String FALLBACK_TENANT_CLAIM = "tenant";

  private VerifiedClaims() {}

  /**
   * @param claims verified claims; null when the request carried none
   * @param tenantClaim the claim naming the tenant
   * @param subjectClaims claims that may name the subject, in order of preference
   * @param scopeClaims claims holding space-separated scopes (all are read)
   */
  public static Principal principal(
      Map<String, String> claims,
      String tenantClaim,
      List<String> subjectClaims,
      List<String> scopeClaims) {
    requireName(tenantClaim);
    if (claims == null) {
      // A route deployed without the gateway's authentication: nothing was verified.
      throw new UnauthorizedException("the request carries no verified token");
    }
    String tenant = claims.get(tenantClaim);
    String source = tenantClaim;
    if (tenant == null) {
      tenant = claims.get(FALLBACK_TENANT_CLAIM);
      source = FALLBACK_TENANT_CLAIM;
    }
    if (tenant == null) {
      throw new UnauthorizedException(
          "the token carries no tenant claim ('"
              + tenantClaim
              + "' or '"
              + FALLBACK_TENANT_CLAIM
              + "')");
    }
    // An invalid value is rejected rather than answered from the fallback claim: the configured
    // claim is authoritative whenever it is present.
    if (!TenantId.isValid(tenant)) {
      throw new UnauthorizedException(
          "the token's '" + source + "' claim is not a valid tenant id");
    }
    String subject =
        subjectClaims.stream()
            .map(claims::get)
            .filter(s -> s != null && !s.isBlank())
            .findFirst()
            .orElseThrow(() -> new UnauthorizedException("the token carries no subject"));
    Set<String> scopes =
        scopeClaims.stream()
            .map(claims::get)
            .filter(s -> s != null && !s.isBlank())
            .flatMap(s -> Arrays.stream(s.strip().split("\\s+")))
            .collect(Collectors.toUnmodifiableSet());
    return new Principal(TenantId.of(tenant), subject, scopes);
  }

  /** {@code tenantClaim}, checked not blank. */
  public static String requireName(String tenantClaim) {
    if (tenantClaim == null || tenantClaim.isBlank())
      throw new IllegalArgumentException("the tenant claim name must not be blank");
    return tenantClaim;
  }
}
