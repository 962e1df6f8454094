package dev.maestro.core.api;

import dev.maestro.core.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP response as the router produces it: a status, headers (each with one value) and a body,
 * ready for any transport to write out. Bodies are JSON or problem+json.
 *
 * @param status the HTTP status code
 * @param headers response headers, Content-Type included
 * @param body the body bytes (possibly empty)
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  public static final String JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";

  public ApiResponse {
    if (status < 100 || status > 599)
      throw new IllegalArgumentException("not an HTTP status: " + status);
    headers =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
    body = body == null ? new byte[0] : body.clone();
  }

  /** A JSON response carrying {@code value} serialized with the shared mapper. */
  public static ApiResponse json(int status, Object value) {
    return new ApiResponse(status, Map.of("Content-Type", JSON), Json.writeBytes(value));
  }

  /** This response with header {@code name} set to {@code value}. */
  public ApiResponse withHeader(String name, String value) {
    var next = new LinkedHashMap<>(headers);
    next.put(name, value);
    return new ApiResponse(status, next, body);
  }

  /** The body's bytes (a copy). */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The value of header {@code name}, matched case-insensitively, or null. */
  public String header(String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  @Override
  public String toString() {
    return "ApiResponse[" + status + ", " + body.length + " body bytes]";
  }
}
