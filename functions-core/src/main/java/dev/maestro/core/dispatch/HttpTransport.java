package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** Posts a JSON body over {@code java.net.http} and hands back the status and parsed body. */
final class HttpTransport {

  record Reply(int status, JsonNode body, long latencyMs) {}

  private final String provider;
  private final HttpClient http;
  private final Duration timeout;

  HttpTransport(String provider, HttpClient http, Duration timeout) {
    this.provider = provider;
    this.http = http;
    this.timeout = timeout;
  }

  Reply post(URI uri, Map<String, String> headers, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
    headers.forEach(request::header);
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderException(provider, 0, "connection_error", e.toString(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(provider, 0, "interrupted", e.toString(), false, e);
    }
    long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    JsonNode parsed;
    try {
      parsed = Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new ProviderException(
          provider,
          response.statusCode(),
          "unparseable_body",
          truncate(response.body()),
          retryableStatus(response.statusCode()),
          e);
    }
    return new Reply(response.statusCode(), parsed, latencyMs);
  }

  /** {@code path} under {@code base}, keeping any path prefix {@code base} has. */
  static URI under(URI base, String path) {
    String b = Objects.requireNonNull(base, "base").toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  /** Rate limits, timeouts and server-side failures (Anthropic's 529 overload included). */
  static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  private static String truncate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
