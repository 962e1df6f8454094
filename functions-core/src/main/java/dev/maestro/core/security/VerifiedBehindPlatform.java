package dev.maestro.core.security;

import dev.maestro.core.error.UnauthorizedException;
import java.util.Objects;

/**
 * Defence in depth behind a platform that already authenticated the caller (API Gateway's JWT
 * authorizer, App Service Easy Auth): the bearer token is verified again here by {@code verifier}
 * (a {@code JwtIdentity} over the issuer's JWK set), and when the platform passed its own view of
 * the caller, both must name the same tenant. The verified token's principal is the caller.
 */
public final class VerifiedBehindPlatform implements Identity {

  private final Identity verifier;
  private final Identity platform;

  private VerifiedBehindPlatform(Identity verifier, Identity platform) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.platform = platform;
  }

  /**
   * The caller as {@code verifier} verifies the bearer token, checked against {@code platform}'s
   * principal when {@code platform} is not null (the request carried the platform's claims).
   */
  public static Identity of(Identity verifier, Identity platform) {
    return new VerifiedBehindPlatform(verifier, platform);
  }

  /**
   * @throws UnauthorizedException if the token does not verify, the platform's claims are invalid,
   *     or the two disagree on the tenant
   */
  @Override
  public Principal authenticate(String authorizationHeader) {
    Principal verified = verifier.authenticate(authorizationHeader);
    if (platform != null) {
      Principal claimed = platform.authenticate(authorizationHeader);
      if (!claimed.tenant().equals(verified.tenant())) {
        throw new UnauthorizedException(
            "the bearer token and the platform's verified claims name different tenants");
      }
    }
    return verified;
  }
}
