package dev.maestro.aws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * A local HTTP server standing in for an AWS service endpoint in tests: it records every request as
 * received and answers what the test's handler says, in the service's documented format. It checks
 * nothing itself (no signature verification, no schema); the tests assert on the recorded requests.
 */
public final class LocalAwsServer implements AutoCloseable {

  /** Static test credentials every test client signs with. */
  public static final String ACCESS_KEY_ID = "AKID";

  /** One request as the server received it; header names are lower-case. */
  public record Recorded(
      String method, String path, String query, Map<String, List<String>> headers, String body) {

    /** The first value of {@code name}, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body as JSON. */
    public JsonNode json() {
      return Json.tree(body);
    }
  }

  /** An answer: status, headers and body text (empty for none). */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json"), body);
    }

    /** A restJson error: {@code x-amzn-ErrorType} header and {@code {"Message": ...}} body. */
    public static Reply restError(int status, String code, String message) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json", "x-amzn-ErrorType", code),
          "{\"Message\":\"" + message + "\"}");
    }

    /** An awsJson error: {@code {"__type": ..., "message": ...}} body, no header. */
    public static Reply jsonError(int status, String type, String message) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/x-amz-json-1.1"),
          "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }
  }

  private final HttpServer server;
  private final List<Recorded> requests = new ArrayList<>();

  private LocalAwsServer(HttpServer server) {
    this.server = server;
  }

  /** Starts a server on a free loopback port that answers with {@code handler}. */
  public static LocalAwsServer start(Function<Recorded, Reply> handler) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      LocalAwsServer local = new LocalAwsServer(server);
      server.createContext("/", exchange -> local.answer(exchange, handler));
      server.start();
      return local;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void answer(HttpExchange exchange, Function<Recorded, Reply> handler) throws IOException {
    try (exchange) {
      var headers = new HashMap<String, List<String>>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      var recorded =
          new Recorded(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              Map.copyOf(headers),
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      synchronized (requests) {
        requests.add(recorded);
      }
      Reply reply = handler.apply(recorded);
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) exchange.getResponseBody().write(body);
    }
  }

  /** Every request so far, in arrival order. */
  public List<Recorded> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** This server as an endpoint signed for {@code region}. */
  public AwsEndpoint endpoint(String region) {
    return AwsEndpoint.override(
        region, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  /**
   * A client of this server signed as {@code signingName} in {@code us-east-1} with the static test
   * credentials and {@code retry}, waiting zero time between attempts.
   */
  public AwsJsonClient client(String signingName, AwsRetryPolicy retry) {
    return new AwsJsonClient(
        endpoint("us-east-1"),
        signingName,
        UrlConnectionHttpClient.create(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, "secret")),
        retry,
        Clock.systemUTC(),
        d -> {},
        java.util.random.RandomGenerator.getDefault());
  }

  /**
   * A client of this server signed as {@code signingName} in {@code region} at the instants {@code
   * signingClock} gives, with the static test credentials and {@code retry}, waiting zero time
   * between attempts.
   */
  public AwsJsonClient client(
      String signingName, String region, AwsRetryPolicy retry, Clock signingClock) {
    return new AwsJsonClient(
        endpoint(region),
        signingName,
        UrlConnectionHttpClient.create(),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, "secret")),
        retry,
        signingClock,
        d -> {},
        java.util.random.RandomGenerator.getDefault());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
