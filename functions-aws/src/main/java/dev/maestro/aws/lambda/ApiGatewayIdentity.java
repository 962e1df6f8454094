package dev.maestro.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The caller of one API Gateway HTTP API request, as its JWT authorizer verified it. API Gateway
 * has already checked the token's signature, issuer, audience and expiry before the function runs;
 * what reaches the function is the verified claims in {@code requestContext.authorizer.jwt.claims}.
 * This identity turns those claims into a {@link Principal}: the tenant from the configured tenant
 * claim (falling back to {@value #FALLBACK_TENANT_CLAIM} when that claim is absent), the subject
 * from {@code sub}, the scopes from the space-separated {@code scope} claim.
 *
 * <p>One instance serves one request: {@link #authenticate} ignores the header it is given, since
 * the header was verified by API Gateway and re-reading it here would mean trusting an unverified
 * copy. Fails closed: no authorizer block, no usable tenant claim or no subject is an {@link
 * UnauthorizedException} (401 through the router).
 */
public final class ApiGatewayIdentity implements Identity {

  /** The tenant claim when none is configured: Cognito writes custom attributes this way. */
  public static final String DEFAULT_TENANT_CLAIM = "custom:tenant";

  /** The claim read when the configured tenant claim is absent. */
  public static final String FALLBACK_TENANT_CLAIM = "tenant";

  private final Map<String, String> claims;
  private final String tenantClaim;

  /**
   * An identity over verified {@code claims}, reading the tenant from {@code tenantClaim}.
   *
   * @param claims the authorizer's claims; null when the request carried none
   * @param tenantClaim the name of the claim that holds the tenant id
   */
  public ApiGatewayIdentity(Map<String, String> claims, String tenantClaim) {
    this.claims = claims == null ? null : Map.copyOf(withoutNulls(claims));
    this.tenantClaim = requireName(tenantClaim);
  }

  /** The identity of {@code event}'s caller, from its JWT authorizer's claims. */
  public static ApiGatewayIdentity of(APIGatewayV2HTTPEvent event, String tenantClaim) {
    Objects.requireNonNull(event, "event");
    var context = event.getRequestContext();
    var authorizer = context == null ? null : context.getAuthorizer();
    var jwt = authorizer == null ? null : authorizer.getJwt();
    return new ApiGatewayIdentity(jwt == null ? null : jwt.getClaims(), tenantClaim);
  }

  /**
   * The caller named by the verified claims; {@code authorizationHeader} is not read.
   *
   * @throws UnauthorizedException if the request carried no JWT authorizer claims, no subject, or
   *     no tenant claim that is a valid tenant id
   */
  @Override
  public Principal authenticate(String authorizationHeader) {
    if (claims == null) {
      // A route deployed without the JWT authorizer: nothing was verified, so nobody is let in.
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
    String subject = claims.get("sub");
    if (subject == null || subject.isBlank()) {
      throw new UnauthorizedException("the token carries no subject");
    }
    return new Principal(TenantId.of(tenant), subject, scopes(claims.get("scope")));
  }

  private static Set<String> scopes(String scope) {
    if (scope == null || scope.isBlank()) return Set.of();
    return Arrays.stream(scope.strip().split("\\s+")).collect(Collectors.toUnmodifiableSet());
  }

  private static Map<String, String> withoutNulls(Map<String, String> claims) {
    return claims.entrySet().stream()
        .filter(e -> e.getKey() != null && e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  static String requireName(String tenantClaim) {
    if (tenantClaim == null || tenantClaim.isBlank())
      throw new IllegalArgumentException("the tenant claim name must not be blank");
    return tenantClaim;
  }
}
