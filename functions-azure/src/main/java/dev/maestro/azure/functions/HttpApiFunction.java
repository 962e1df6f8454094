package dev.maestro.azure.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.VerifiedBehindPlatform;
import dev.maestro.core.security.jwt.JwtIdentity;
import dev.maestro.core.security.jwt.JwtSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP API as an Azure Function: every route of the core's {@link ApiRouter} (the same routes,
 * errors and OpenAPI as the embedded server and AWS), behind App Service authentication with
 * Microsoft Entra ID; the caller comes from the verified principal header ({@link
 * EasyAuthIdentity}). The host's route prefix is empty ({@code host.json}), so paths are the API's
 * own ({@code /continuations}). Authorization level {@code anonymous}: authentication is the
 * platform's and the identity's job, not a function key's.
 *
 * <p>Defence in depth: when Entra settings are configured ({@code MAESTRO_ENTRA_TENANT_ID} and
 * {@code MAESTRO_ENTRA_AUDIENCE}, or a generic {@code MAESTRO_JWT_*} issuer; see {@link
 * JwtSettings#fromEnvironment}), the bearer token is verified here as well against the directory's
 * JWK set ({@link JwtIdentity}), and the Easy Auth principal, when present, must name the same
 * tenant.
 */
public final class HttpApiFunction {

  private final Function<DurableTaskClient, ApiRouter> router;
  private final String tenantClaim;
  private final Identity tokenVerifier;

  /** Built once per app instance from its settings; null when no issuer is configured. */
  private static final class Verifier {
    static final Identity INSTANCE = tokenVerifier(System.getenv(), Clock.systemUTC());
  }

  /** The Functions host's constructor: the app's shared runtime. */
  public HttpApiFunction() {
    this(
        client -> AzureRuntime.container().router(client),
        AzureRuntime.tenantClaim(System.getenv()),
        Verifier.INSTANCE);
  }

  /**
   * @param router the router for a request, given the request's Durable client
   */
  public HttpApiFunction(Function<DurableTaskClient, ApiRouter> router, String tenantClaim) {
    this(router, tenantClaim, null);
  }

  /**
   * @param router the router for a request, given the request's Durable client
   * @param tokenVerifier verifies each bearer token as well (null: the Easy Auth principal alone)
   */
  public HttpApiFunction(
      Function<DurableTaskClient, ApiRouter> router, String tenantClaim, Identity tokenVerifier) {
    this.router = Objects.requireNonNull(router, "router");
    this.tenantClaim = tenantClaim;
    this.tokenVerifier = tokenVerifier;
  }

  /** The token verifier {@code env} configures ({@link JwtSettings#fromEnvironment}), or null. */
  static Identity tokenVerifier(Map<String, String> env, Clock clock) {
    JwtSettings settings = JwtSettings.fromEnvironment(env);
    return settings == null ? null : JwtIdentity.remote(settings, clock);
  }

  /** Who the caller is: the Easy Auth principal, or the verified token checked against it. */
  Identity caller(String principalHeader) {
    var easyAuth = new EasyAuthIdentity(principalHeader, tenantClaim);
    if (tokenVerifier == null) return easyAuth;
    return VerifiedBehindPlatform.of(tokenVerifier, principalHeader == null ? null : easyAuth);
  }

  @FunctionName("api")
  public HttpResponseMessage run(
      @HttpTrigger(
              name = "request",
              methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE},
              authLevel = AuthorizationLevel.ANONYMOUS,
              route = "{*path}",
              dataType = "binary")
          HttpRequestMessage<Optional<byte[]>> request,
      @DurableClientInput(name = "durableContext") DurableClientContext durableContext,
      ExecutionContext context) {
    ApiResponse response =
        router
            .apply(durableContext.getClient())
            .handle(
                toRequest(request), caller(header(request.getHeaders(), EasyAuthIdentity.HEADER)));
    return toResponse(request, response);
  }

  /** The core request for a Functions HTTP request: method, path, repeated query keys, headers. */
  static ApiRequest toRequest(HttpRequestMessage<Optional<byte[]>> request) {
    URI uri = request.getUri();
    return new ApiRequest(
        request.getHttpMethod().name(),
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : decode(uri.getRawPath()),
        query(uri.getRawQuery()),
        headers(request.getHeaders()),
        request.getBody() == null ? null : request.getBody().orElse(null));
  }

  static HttpResponseMessage toResponse(
      HttpRequestMessage<Optional<byte[]>> request, ApiResponse response) {
    HttpResponseMessage.Builder builder =
        request.createResponseBuilder(HttpStatusType.custom(response.status()));
    response.headers().forEach(builder::header);
    if (response.body() != null) builder.body(response.body());
    return builder.build();
  }

  private static Map<String, List<String>> query(String raw) {
    var query = new LinkedHashMap<String, List<String>>();
    if (raw == null || raw.isEmpty()) return query;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String key = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
      query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static Map<String, List<String>> headers(Map<String, String> headers) {
    var out = new LinkedHashMap<String, List<String>>();
    if (headers != null) headers.forEach((k, v) -> out.put(k, List.of(v == null ? "" : v)));
    return out;
  }

  private static String header(Map<String, String> headers, String name) {
    if (headers == null) return null;
    for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
    return null;
  }

  private static String decodeQuery(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** A path segment decoded; unlike a query, '+' in a path is a plus sign. */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
