package dev.maestro.core.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.VerifiedClaims;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An {@link Identity} that verifies bearer tokens itself (BRIEF §12): the JWS signature against the
 * issuer's published JWK set (RS256/RS384/RS512, PS256, ES256/ES384; {@code none} and HMAC
 * algorithms are refused, so a public key can never be used as a shared secret), then {@code iss},
 * the audience claim, {@code exp} and {@code nbf} (with the configured skew, on this identity's
 * clock), any required claim values, and a subject. The tenant comes from the token's claims only.
 *
 * <p>Keys are fetched once and cached; a token signed with an unknown key id refreshes the set (at
 * most once per rate-limit interval), so issuer key rotation needs no restart. Used where no
 * gateway has verified the token (the embedded runtime's production mode, direct Function URLs,
 * Functions without App Service authentication) and as defence in depth behind one.
 */
public final class JwtIdentity implements Identity {

  /** Longer headers are refused before parsing; real access tokens are far smaller. */
  static final int MAX_TOKEN_CHARS = 16_384;

  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384);

  private static final long CACHE_TTL_MS = 15 * 60_000L;
  private static final long REFRESH_TIMEOUT_MS = 5_000L;
  private static final long MIN_REFRESH_INTERVAL_MS = 30_000L;

  private final JwtSettings settings;
  private final Clock clock;
  private final DefaultJWTProcessor<SecurityContext> processor;

  /** Verifies tokens for {@code settings} with keys from {@code keys}, on {@code clock}. */
  public JwtIdentity(JwtSettings settings, JWKSource<SecurityContext> keys, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    processor.setJWTClaimsSetVerifier((claims, context) -> verify(claims));
  }

  /**
   * Verifies tokens for {@code settings} with the issuer's JWK set fetched over HTTP from {@link
   * JwtSettings#jwksUri()}, cached, refreshed on an unknown key id.
   */
  public static JwtIdentity remote(JwtSettings settings, Clock clock) {
    return remote(settings, clock, MIN_REFRESH_INTERVAL_MS);
  }

  /** As {@link #remote(JwtSettings, Clock)}, refreshing the key set at most every {@code ms}. */
  static JwtIdentity remote(JwtSettings settings, Clock clock, long minRefreshIntervalMs) {
    try {
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.<SecurityContext>create(settings.jwksUri().toURL())
              .cache(CACHE_TTL_MS, REFRESH_TIMEOUT_MS)
              .rateLimited(minRefreshIntervalMs)
              .retrying(true)
              .build();
      return new JwtIdentity(settings, keys, clock);
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a URL: " + settings.jwksUri(), e);
    }
  }

  /** The settings this identity verifies against. */
  public JwtSettings settings() {
    return settings;
  }

  @Override
  public Principal authenticate(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new UnauthorizedException("the request carries no Authorization header");
    }
    if (authorizationHeader.length() > MAX_TOKEN_CHARS) {
      throw new UnauthorizedException("the Authorization header is too long");
    }
    String[] parts = authorizationHeader.strip().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw new UnauthorizedException("the Authorization header must be 'Bearer <token>'");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(parts[1], null);
    } catch (ParseException e) {
      throw new UnauthorizedException("the bearer token is not a JWT");
    } catch (BadJWTException e) {
      throw new UnauthorizedException("the bearer token was refused: " + e.getMessage());
    } catch (BadJOSEException e) {
      throw new UnauthorizedException(
          "the bearer token's signature could not be verified: " + e.getMessage());
    } catch (JOSEException e) {
      // The key set could not be fetched or a key could not be used: still the caller's 401, but
      // say that verification itself failed.
      throw new UnauthorizedException("the bearer token could not be verified: " + e.getMessage());
    }
    return VerifiedClaims.principal(
        strings(claims), settings.tenantClaim(), settings.subjectClaims(), settings.scopeClaims());
  }

  private void verify(JWTClaimsSet claims) throws BadJWTException {
    if (!settings.issuer().equals(claims.getIssuer())) {
      throw new BadJWTException("issuer " + claims.getIssuer() + " is not trusted");
    }
    Object audience = claims.getClaim(settings.audienceClaim());
    List<String> audiences =
        audience instanceof Collection<?> many
            ? many.stream().map(String::valueOf).toList()
            : audience == null ? List.of() : List.of(String.valueOf(audience));
    if (audiences.stream().noneMatch(settings.audiences()::contains)) {
      throw new BadJWTException("it is not meant for this API (" + settings.audienceClaim() + ")");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) throw new BadJWTException("it has no expiry");
    if (now.isAfter(exp.toInstant().plus(settings.clockSkew()))) {
      throw new BadJWTException("it expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(settings.clockSkew()).isBefore(nbf.toInstant())) {
      throw new BadJWTException("it is not valid before " + nbf.toInstant());
    }
    for (Map.Entry<String, String> required : settings.requiredValues().entrySet()) {
      if (!required.getValue().equals(String.valueOf(claims.getClaim(required.getKey())))) {
        throw new BadJWTException(
            "its " + required.getKey() + " claim must be " + required.getValue());
      }
    }
  }

  /** The claims as strings; lists are joined with spaces (how scope claims are read). */
  private static Map<String, String> strings(JWTClaimsSet claims) {
    var out = new LinkedHashMap<String, String>();
    claims
        .getClaims()
        .forEach(
            (name, value) -> {
              if (value instanceof Collection<?> many) {
                out.put(name, String.join(" ", many.stream().map(String::valueOf).toList()));
              } else if (value instanceof Date date) {
                out.put(name, String.valueOf(date.toInstant().getEpochSecond()));
              } else if (value != null) {
                out.put(name, String.valueOf(value));
              }
            });
    return out;
  }
}
