package dev.maestro.azure.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.VerifiedClaims;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller of one request to the Functions app, as App Service authentication (Microsoft Entra
 * ID) verified it. The platform validates the bearer token before the function runs and passes the
 * token's claims in the {@code X-MS-CLIENT-PRINCIPAL} header: base64 JSON {@code {auth_typ, claims:
 * [{typ, val}], name_typ, role_typ}}, after its default claim mapping (so {@code oid} and {@code
 * scp} arrive under their long URIs). Requests from outside cannot set that header. Tenant from the
 * configured claim ({@code MAESTRO_TENANT_CLAIM}, default {@value #DEFAULT_TENANT_CLAIM}), subject
 * from the object id, scopes from {@code scp}; see {@link VerifiedClaims} for the rules.
 * Multi-valued claims (several entries of one type) are joined with spaces.
 */
public final class EasyAuthIdentity implements Identity {

  /** The header App Service authentication sets. */
  public static final String HEADER = "X-MS-CLIENT-PRINCIPAL";

  /** The tenant claim when none is configured: an Entra ID app role or optional claim named so. */
  public static final String DEFAULT_TENANT_CLAIM = "maestro_tenant";

  static final List<String> SUBJECT_CLAIMS =
      List.of(
          "http://schemas.microsoft.com/identity/claims/objectidentifier",
          "oid",
          "sub",
          "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier");

  static final List<String> SCOPE_CLAIMS =
      List.of("http://schemas.microsoft.com/identity/claims/scope", "scp");

  private final String principalHeader;
  private final String tenantClaim;

  /**
   * @param principalHeader the {@value #HEADER} header's value; null when the request had none
   */
  public EasyAuthIdentity(String principalHeader, String tenantClaim) {
    this.principalHeader = principalHeader;
    this.tenantClaim = VerifiedClaims.requireName(tenantClaim);
  }

  /** The caller named by the verified principal header; {@code authorizationHeader} is not read. */
  @Override
  public Principal authenticate(String authorizationHeader) {
    return VerifiedClaims.principal(
        claims(principalHeader), tenantClaim, SUBJECT_CLAIMS, SCOPE_CLAIMS);
  }

  /** The claims of a principal header, or null when there is none. */
  static Map<String, String> claims(String header) {
    if (header == null || header.isBlank()) return null;
    JsonNode principal;
    try {
      principal = Json.mapper().readTree(Base64.getDecoder().decode(header.strip()));
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new UnauthorizedException("the " + HEADER + " header is not base64 JSON");
    }
    if (principal == null || !principal.path("claims").isArray()) {
      throw new UnauthorizedException("the " + HEADER + " header carries no claims");
    }
    var claims = new LinkedHashMap<String, String>();
    for (JsonNode claim : principal.get("claims")) {
      if (!claim.path("typ").isTextual() || !claim.path("val").isTextual()) continue;
      claims.merge(claim.get("typ").asText(), claim.get("val").asText(), (a, b) -> a + " " + b);
    }
    return claims;
  }

  /** Encodes {@code claims} as App Service would (for tests and local invocation). */
  public static String encode(Map<String, String> claims) {
    var principal = Json.mapper().createObjectNode();
    principal.put("auth_typ", "aad");
    var array = principal.putArray("claims");
    claims.forEach((typ, val) -> array.addObject().put("typ", typ).put("val", val));
    principal.put("name_typ", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
    principal.put("role_typ", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role");
    return Base64.getEncoder()
        .encodeToString(principal.toString().getBytes(StandardCharsets.UTF_8));
  }
}
