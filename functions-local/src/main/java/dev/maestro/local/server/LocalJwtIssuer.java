package dev.maestro.local.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The local development token issuer: an RS256 key pair created on first use and kept in {@code
 * <dataDir>/jwt/signing-key.json} (a JWK, readable by the owner only where the file system supports
 * POSIX permissions), so tokens minted before a restart stay valid after it. {@link #identity()}
 * verifies tokens for real, exactly as a cloud authorizer would: the {@code Bearer} scheme, the
 * RS256 signature against this key, {@code exp} and {@code nbf} (with {@link #CLOCK_SKEW} of
 * tolerance), {@code iss}, {@code aud}, {@code sub}, and a {@code tenant} claim that is a valid
 * {@link TenantId}.
 *
 * <p>This is a development convenience, not an identity provider: whoever can read the data
 * directory can mint tokens for any tenant.
 */
public final class LocalJwtIssuer {

  /** The key file, relative to the data directory. */
  public static final String KEY_FILE = "jwt/signing-key.json";

  /** The claim that names the caller's tenant. */
  public static final String TENANT_CLAIM = "tenant";

  /** The claim holding space-separated scopes (RFC 8693 style), optional. */
  public static final String SCOPE_CLAIM = "scope";

  /** How far a token's {@code exp} and {@code nbf} may be off before it is rejected. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final int RSA_BITS = 2048;

  /** Longer headers are rejected before parsing; real tokens here are well under 2 KiB. */
  private static final int MAX_TOKEN_CHARS = 8192;

  private final RSAKey key;
  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final RSASSASigner signer;
  private final RSASSAVerifier verifier;

  private LocalJwtIssuer(RSAKey key, String issuer, String audience, Clock clock) {
    this.key = key;
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
    try {
      this.signer = new RSASSASigner(key);
      this.verifier = new RSASSAVerifier(key.toRSAPublicKey());
    } catch (JOSEException e) {
      throw new IllegalStateException(
          "the signing key " + key.getKeyID() + " is not a usable RSA key", e);
    }
  }

  /** As {@link #loadOrCreate(Path, String, String, Clock)} with the system clock. */
  public static LocalJwtIssuer loadOrCreate(Path dataDir, String issuer, String audience) {
    return loadOrCreate(dataDir, issuer, audience, Clock.systemUTC());
  }

  /**
   * Loads the signing key from {@code dataDir}, creating and persisting a new one if there is none.
   * Tokens are minted and checked with issuer {@code issuer}, audience {@code audience}, and time
   * from {@code clock}.
   *
   * @throws UncheckedIOException if the key file cannot be read or written
   * @throws IllegalStateException if the key file exists but holds no RSA private key
   */
  public static LocalJwtIssuer loadOrCreate(
      Path dataDir, String issuer, String audience, Clock clock) {
    Objects.requireNonNull(dataDir, "dataDir");
    requireText(issuer, "issuer");
    requireText(audience, "audience");
    Objects.requireNonNull(clock, "clock");
    Path file = dataDir.resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) create(file);
      return new LocalJwtIssuer(read(file), issuer, audience, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create the signing key " + file, e);
    }
  }

  /**
   * A signed token for {@code subject} in {@code tenant}, valid for {@code ttl} from now.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive or {@code subject} is blank
   */
  public String mint(TenantId tenant, String subject, Duration ttl) {
    Objects.requireNonNull(tenant, "tenant");
    requireText(subject, "subject");
    if (ttl == null || ttl.isNegative() || ttl.isZero())
      throw new IllegalArgumentException("ttl must be positive");
    Instant now = clock.instant();
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(subject)
            .claim(TENANT_CLAIM, tenant.value())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(UUID.randomUUID().toString())
            .build());
  }

  /** Signs arbitrary claims with this issuer's key (for tests of the verifier's rejections). */
  String sign(JWTClaimsSet claims) {
    var jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with the local key failed", e);
    }
    return jwt.serialize();
  }

  /** The {@link Identity} that accepts exactly the tokens this issuer mints, until they expire. */
  public Identity identity() {
    return this::authenticate;
  }

  /** The public signing key as a JWK Set document (RFC 7517); never the private part. */
  public String jwksJson() {
    return new JWKSet(key.toPublicJWK()).toString(true);
  }

  /** The {@code iss} this issuer mints and requires. */
  public String issuer() {
    return issuer;
  }

  /** The {@code aud} this issuer mints and requires. */
  public String audience() {
    return audience;
  }

  /** The signing key's id ({@code kid}), its RFC 7638 thumbprint. */
  public String keyId() {
    return key.getKeyID();
  }

  private Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new UnauthorizedException("missing Authorization header (expected: Bearer <token>)");
    }
    int space = authorization.indexOf(' ');
    if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw new UnauthorizedException("the Authorization scheme must be Bearer");
    }
    String token = authorization.substring(space + 1).strip();
    if (token.isEmpty()) throw new UnauthorizedException("the bearer token is empty");
    if (token.length() > MAX_TOKEN_CHARS)
      throw new UnauthorizedException("the bearer token is too long");

    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new UnauthorizedException("the bearer token is not a well-formed signed JWT");
    }
    // Checked before verifying: the algorithm must never be chosen by the token (no "none", no
    // HMAC with the public key as the secret).
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new UnauthorizedException(
          "the token must be signed with RS256, not " + jwt.getHeader().getAlgorithm());
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid != null && !kid.equals(key.getKeyID())) {
      throw new UnauthorizedException(
          "the token was signed by an unknown key (kid " + abbreviate(kid) + ")");
    }
    try {
      if (!jwt.verify(verifier)) throw new UnauthorizedException("the token signature is invalid");
    } catch (JOSEException e) {
      throw new UnauthorizedException("the token signature cannot be verified");
    }

    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) throw new UnauthorizedException("the token has no exp claim");
    if (now.isAfter(exp.toInstant().plus(CLOCK_SKEW))) {
      throw new UnauthorizedException("the token expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(CLOCK_SKEW))) {
      throw new UnauthorizedException("the token is not valid before " + nbf.toInstant());
    }
    if (!issuer.equals(claims.getIssuer())) {
      throw new UnauthorizedException("the token issuer is not trusted (expected " + issuer + ")");
    }
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      throw new UnauthorizedException("the token audience does not include " + audience);
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank())
      throw new UnauthorizedException("the token has no sub claim");
    Object tenant = claims.getClaim(TENANT_CLAIM);
    if (tenant == null) throw new UnauthorizedException("the token has no tenant claim");
    if (!(tenant instanceof String tenantText) || !TenantId.isValid(tenantText)) {
      throw new UnauthorizedException("the token's tenant claim is not a valid tenant id");
    }
    return new Principal(TenantId.of(tenantText), subject, scopes(claims.getClaim(SCOPE_CLAIM)));
  }

  private static Set<String> scopes(Object claim) {
    if (claim == null) return Set.of();
    if (!(claim instanceof String text))
      throw new UnauthorizedException("the token's scope claim must be a string");
    var scopes = new LinkedHashSet<String>();
    Arrays.stream(text.split(" ")).filter(s -> !s.isEmpty()).forEach(scopes::add);
    return scopes;
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }

  private static void create(Path file) throws IOException {
    Path dir = file.getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (posix) {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } else {
      Files.createDirectories(dir);
    }
    RSAKey generated;
    try {
      generated =
          new RSAKeyGenerator(RSA_BITS)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyIDFromThumbprint(true)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
    // Written to a private temporary file first so the key file is never seen half-written or
    // with default permissions; the move fails if another process created the key meanwhile, and
    // then that key is the one everybody loads.
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, "signing-key", ".tmp", attributes);
    try {
      Files.writeString(temp, generated.toJSONString(), StandardCharsets.UTF_8);
      Files.move(temp, file);
    } catch (FileAlreadyExistsException raced) {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static RSAKey read(Path file) throws IOException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    JWK jwk;
    try {
      jwk = JWK.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException(file + " is not a JWK: " + e.getMessage(), e);
    }
    if (!(jwk instanceof RSAKey rsa) || !rsa.isPrivate()) {
      throw new IllegalStateException(file + " does not hold an RSA private key");
    }
    if (rsa.getKeyID() == null) {
      throw new IllegalStateException(file + " holds a key without a kid");
    }
    return rsa;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank())
      throw new IllegalArgumentException(name + " must not be blank");
  }

  @Override
  public String toString() {
    return "LocalJwtIssuer[" + issuer + " -> " + audience + ", kid " + key.getKeyID() + "]";
  }
}
