package dev.maestro.core.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as the router sees it, independent of the server or cloud trigger that received
 * it. Header names are case-insensitive; the path is the raw (not percent-decoded) path without the
 * query; query parameters are decoded and keep their order and repetitions.
 *
 * @param method the request method, upper-case
 * @param path the raw path, e.g. {@code /continuations/0190.../events}
 * @param query decoded query parameters, each with every value given
 * @param headers request headers, looked up case-insensitively
 * @param body the request body (empty when none); a transport may truncate it just past {@link
 *     ApiRouter#MAX_BODY_BYTES}, since anything longer is rejected anyway
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, List<String>> headers,
    byte[] body) {

  public ApiRequest {
    method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    Objects.requireNonNull(path, "path");
    query = copy(query, new LinkedHashMap<>());
    headers = copy(headers, new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
    body = body == null ? new byte[0] : body.clone();
  }

  /** A request with no query and no body. */
  public static ApiRequest of(String method, String path, Map<String, List<String>> headers) {
    return new ApiRequest(method, path, Map.of(), headers, null);
  }

  /** The body's bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body's length without copying it. */
  public int bodyLength() {
    return body.length;
  }

  /** The first value of header {@code name}, if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(values.get(0));
  }

  /** Every value of header {@code name} (empty if absent). */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /**
   * Decodes a raw query string ({@code a=1&b=x%20y}, without the '?'). Decoding is lenient: a
   * malformed percent-escape leaves the text undecoded, so validation (not parsing) rejects it with
   * a 400 that names the parameter.
   */
  public static Map<String, List<String>> parseQuery(String rawQuery) {
    var result = new LinkedHashMap<String, List<String>>();
    if (rawQuery == null || rawQuery.isEmpty()) return result;
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) continue;
      int eq = part.indexOf('=');
      String name = decode(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : decode(part.substring(eq + 1));
      result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return result;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformedEscape) {
      return text;
    }
  }

  private static Map<String, List<String>> copy(
      Map<String, List<String>> source, Map<String, List<String>> target) {
    if (source != null) {
      source.forEach(
          (name, values) -> {
            if (name != null)
              target
                  .computeIfAbsent(name, k -> new ArrayList<>())
                  .addAll(values == null ? List.of() : values);
          });
    }
    target.replaceAll((k, v) -> List.copyOf(v.stream().map(s -> s == null ? "" : s).toList()));
    return Collections.unmodifiableMap(target);
  }

  @Override
  public String toString() {
    return "ApiRequest[" + method + " " + path + ", " + body.length + " body bytes]";
  }
}
