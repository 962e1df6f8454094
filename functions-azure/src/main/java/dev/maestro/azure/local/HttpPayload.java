package dev.maestro.azure.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.maestro.azure.functions.EasyAuthIdentity;
import dev.maestro.azure.functions.HttpApiFunction;
import dev.maestro.core.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The payload file of a local {@code api} invocation: one HTTP request as JSON,
 *
 * <pre>{@code
 * {"method": "POST",
 *  "path": "/continuations",                  // or "url": "https://host/continuations?x=1"
 *  "headers": {"X-MS-CLIENT-PRINCIPAL": "..."},  // optional; string values
 *  "body": {"objective": "..."}}               // optional: JSON (sent as its text) or a string
 * }</pre>
 *
 * <p>{@code method} is one the function's trigger accepts; {@code path} (with an optional query) is
 * taken relative to {@value #LOCAL_HOST}, the Functions host's local address; {@code url} is an
 * absolute http(s) URL. A body that is not a string is sent as its JSON text, with {@code
 * Content-Type: application/json} unless a Content-Type header is given; a string is sent as its
 * UTF-8 bytes. Unknown fields are refused, so a misspelt one does not silently drop a part of the
 * request.
 */
public final class HttpPayload {

  /** The base of a {@code path}: where {@code func start} serves the app locally. */
  public static final String LOCAL_HOST = "http://localhost:7071";

  private static final Set<String> FIELDS = Set.of("method", "url", "path", "headers", "body");

  private HttpPayload() {}

  /** The methods the {@code api} function's trigger accepts. */
  public static List<HttpMethod> methods() {
    for (var m : HttpApiFunction.class.getMethods()) {
      for (var parameters : m.getParameterAnnotations()) {
        for (var annotation : parameters) {
          if (annotation instanceof HttpTrigger trigger) return List.of(trigger.methods());
        }
      }
    }
    throw new IllegalStateException("HttpApiFunction has no @HttpTrigger");
  }

  /**
   * The request {@code payload} describes; an {@link IllegalArgumentException} says what is wrong
   * with it.
   */
  public static LocalHttpRequest read(JsonNode payload) {
    if (!payload.isObject())
      throw new IllegalArgumentException("the payload must be a JSON object");
    for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name))
        throw new IllegalArgumentException(
            "unknown field '" + name + "'; the fields are method, url or path, headers, body");
    }
    HttpMethod method = method(text(payload, "method", true));
    URI uri = uri(text(payload, "url", false), text(payload, "path", false));
    var headers = new LinkedHashMap<String, String>();
    JsonNode given = payload.path("headers");
    if (!given.isMissingNode() && !given.isNull()) {
      if (!given.isObject())
        throw new IllegalArgumentException("headers must be an object of header names to strings");
      given
          .properties()
          .forEach(
              e -> {
                if (!e.getValue().isTextual())
                  throw new IllegalArgumentException(
                      "header '" + e.getKey() + "' must be a string, not " + e.getValue());
                headers.put(e.getKey(), e.getValue().asText());
              });
    }
    JsonNode body = payload.path("body");
    byte[] bytes = null;
    if (body.isTextual()) {
      bytes = body.asText().getBytes(StandardCharsets.UTF_8);
    } else if (!body.isMissingNode() && !body.isNull()) {
      bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
      if (header(headers, "Content-Type") == null) headers.put("Content-Type", "application/json");
    }
    return new LocalHttpRequest(method, uri, headers, bytes);
  }

  /**
   * {@code request} with the {@value EasyAuthIdentity#HEADER} header App Service authentication
   * would set for a caller with these claims (replacing one the payload gave).
   */
  public static LocalHttpRequest withPrincipal(LocalHttpRequest local, Map<String, String> claims) {
    var headers = new LinkedHashMap<String, String>();
    local
        .headers()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase(EasyAuthIdentity.HEADER)) headers.put(k, v);
            });
    headers.put(EasyAuthIdentity.HEADER, EasyAuthIdentity.encode(claims));
    return new LocalHttpRequest(local.method(), local.uri(), headers, local.body());
  }

  /** The value of header {@code name} (any case), or null. */
  public static String header(Map<String, String> headers, String name) {
    for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
    return null;
  }

  private static String text(JsonNode payload, String field, boolean required) {
    JsonNode value = payload.path(field);
    if (value.isMissingNode() || value.isNull()) {
      if (required) throw new IllegalArgumentException("'" + field + "' is required");
      return null;
    }
    if (!value.isTextual())
      throw new IllegalArgumentException("'" + field + "' must be a string, not " + value);
    return value.asText();
  }

  private static HttpMethod method(String name) {
    List<HttpMethod> accepted = methods();
    for (HttpMethod m : accepted) if (m.name().equalsIgnoreCase(name)) return m;
    throw new IllegalArgumentException(
        "method '"
            + name
            + "' is not one the api function's trigger accepts: "
            + Arrays.toString(accepted.toArray()));
  }

  private static URI uri(String url, String path) {
    if ((url == null) == (path == null))
      throw new IllegalArgumentException("give exactly one of 'url' and 'path'");
    try {
      if (path != null) {
        if (!path.startsWith("/"))
          throw new IllegalArgumentException("'path' must start with '/', not " + path);
        return new URI(LOCAL_HOST + path);
      }
      URI uri = new URI(url);
      if (uri.getScheme() == null
          || !Set.of("http", "https").contains(uri.getScheme().toLowerCase())
          || uri.getHost() == null)
        throw new IllegalArgumentException("'url' must be an absolute http(s) URL, not " + url);
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a valid URL (" + e.getReason() + "): " + (url != null ? url : path), e);
    }
  }
}
