package dev.maestro.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.VerifiedClaims;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  public static final String FALLBACK_TENANT_CLAIM = VerifiedClaims.FALLBACK_TENANT_CLAIM;

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
    return VerifiedClaims.principal(claims, tenantClaim, List.of("sub"), List.of("scope"));
  }

  private static Map<String, String> withoutNulls(Map<String, String> claims) {
    return claims.entrySet().stream()
        .filter(e -> e.getKey() != null && e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  static String requireName(String tenantClaim) {
    return VerifiedClaims.requireName(tenantClaim);
  }
}
