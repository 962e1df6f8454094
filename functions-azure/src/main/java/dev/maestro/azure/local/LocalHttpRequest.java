package dev.maestro.azure.local;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Functions HTTP request as the Java worker hands it to a function with {@code dataType =
 * "binary"} (method, URL, headers, query parameters, the body's bytes), and the response builder
 * the function answers through; the response is a {@link Response} whose headers can be listed.
 */
public record LocalHttpRequest(HttpMethod method, URI uri, Map<String, String> headers, byte[] body)
    implements HttpRequestMessage<Optional<byte[]>> {

  public LocalHttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  @Override
  public URI getUri() {
    return uri;
  }

  @Override
  public HttpMethod getHttpMethod() {
    return method;
  }

  @Override
  public Map<String, String> getHeaders() {
    return headers;
  }

  /** The query parameters, decoded; the last value of a repeated key, as the worker gives them. */
  @Override
  public Map<String, String> getQueryParameters() {
    var query = new LinkedHashMap<String, String>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) return query;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  @Override
  public Optional<byte[]> getBody() {
    return Optional.ofNullable(body);
  }

  @Override
  public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
    return new Response.Builder(status);
  }

  @Override
  public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
    return new Response.Builder(status);
  }

  /** A function's HTTP response: status, headers in the order set, body as the function gave it. */
  public record Response(HttpStatusType status, Map<String, String> headers, Object body)
      implements HttpResponseMessage {

    @Override
    public HttpStatusType getStatus() {
      return status;
    }

    @Override
    public String getHeader(String key) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(key))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(null);
    }

    @Override
    public Object getBody() {
      return body;
    }

    static final class Builder implements HttpResponseMessage.Builder {
      private HttpStatusType status;
      private final Map<String, String> headers = new LinkedHashMap<>();
      private Object body;

      Builder(HttpStatusType status) {
        this.status = status;
      }

      @Override
      public HttpResponseMessage.Builder status(HttpStatusType status) {
        this.status = status;
        return this;
      }

      @Override
      public HttpResponseMessage.Builder header(String key, String value) {
        headers.put(key, value);
        return this;
      }

      @Override
      public HttpResponseMessage.Builder body(Object body) {
        this.body = body;
        return this;
      }

      @Override
      public HttpResponseMessage build() {
        return new Response(
            status, Collections.unmodifiableMap(new LinkedHashMap<>(headers)), body);
      }
    }
  }
}
