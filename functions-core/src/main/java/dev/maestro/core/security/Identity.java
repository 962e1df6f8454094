package dev.maestro.core.security;

/**
 * Turns a caller's credentials into a {@link Principal}. Implementations verify for real: a local
 * JWT issuer's signature, expiry and audience; Cognito or Entra ID claims that API Gateway or API
 * Management already verified.
 */
public interface Identity {

  /**
   * Authenticates the value of an HTTP {@code Authorization} header.
   *
   * @throws dev.maestro.core.error.UnauthorizedException if it is missing, malformed, expired, for
   *     another audience, or not signed by a trusted issuer
   */
  Principal authenticate(String authorizationHeader);
}
