package dev.maestro.local.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.api.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves an {@link ApiRouter} over HTTP with the JDK's built-in server, one virtual thread per
 * exchange. It only translates: the request line, headers and body (read up to one byte past {@link
 * ApiRouter#MAX_BODY_BYTES}, so the router can answer 413 without the server buffering an unbounded
 * body) go in, the router's response comes out. It also serves the local issuer's public keys at
 * {@value #JWKS_PATH}, and, when given a {@link StreamRoute}, the local stream ingest at {@code
 * POST /streams/{topic}}. {@link #close()} stops accepting, lets exchanges in flight finish (up to
 * the grace period) and releases the port.
 */
public final class HttpApiServer implements AutoCloseable {

  /** Where the local issuer's public keys are served (no authentication). */
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  /** How long {@link #close()} waits for exchanges in flight. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

  private static final System.Logger LOG = System.getLogger(HttpApiServer.class.getName());

  private final HttpServer server;
  private final ExecutorService executor;
  private final ApiRouter router;
  private final LocalJwtIssuer issuer;
  private final Duration grace;
  private final StreamRoute streams;
  private boolean closed;

  private HttpApiServer(
      HttpServer server,
      ExecutorService executor,
      ApiRouter router,
      LocalJwtIssuer issuer,
      Duration grace,
      StreamRoute streams) {
    this.server = server;
    this.executor = executor;
    this.router = router;
    this.issuer = issuer;
    this.grace = grace;
    this.streams = streams;
  }

  /**
   * Starts serving {@code router} on {@code address} (port 0 picks a free port), without a JWKS
   * endpoint.
   */
  public static HttpApiServer start(InetSocketAddress address, ApiRouter router) {
    return start(address, router, null, DEFAULT_GRACE);
  }

  /**
   * Starts serving {@code router} on {@code address}, and {@code issuer}'s public keys at {@value
   * #JWKS_PATH}.
   */
  public static HttpApiServer start(
      InetSocketAddress address, ApiRouter router, LocalJwtIssuer issuer) {
    return start(address, router, Objects.requireNonNull(issuer, "issuer"), DEFAULT_GRACE);
  }

  /**
   * Starts serving. {@code issuer} may be null (no JWKS endpoint); {@code grace} bounds how long
   * {@link #close()} waits for exchanges in flight.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static HttpApiServer start(
      InetSocketAddress address, ApiRouter router, LocalJwtIssuer issuer, Duration grace) {
    return start(address, router, issuer, grace, null);
  }

  /**
   * Starts serving {@code router}, {@code issuer}'s public keys at {@value #JWKS_PATH}, and the
   * local stream ingest {@code streams} at {@code POST /streams/{topic}}.
   */
  public static HttpApiServer start(
      InetSocketAddress address, ApiRouter router, LocalJwtIssuer issuer, StreamRoute streams) {
    return start(
        address,
        router,
        Objects.requireNonNull(issuer, "issuer"),
        DEFAULT_GRACE,
        Objects.requireNonNull(streams, "streams"));
  }

  /**
   * Starts serving. {@code issuer} may be null (no JWKS endpoint), as may {@code streams} (no
   * stream ingest); {@code grace} bounds how long {@link #close()} waits for exchanges in flight.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static HttpApiServer start(
      InetSocketAddress address,
      ApiRouter router,
      LocalJwtIssuer issuer,
      Duration grace,
      StreamRoute streams) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(router, "router");
    Objects.requireNonNull(grace, "grace");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("maestro-http-", 0).factory());
    var api = new HttpApiServer(server, executor, router, issuer, grace, streams);
    server.setExecutor(executor);
    server.createContext("/", api::exchange);
    server.start();
    return api;
  }

  /** The port actually bound (useful after binding port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://host:port} of this server, for clients. */
  public URI baseUri() {
    InetSocketAddress bound = server.getAddress();
    String host =
        bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return URI.create("http://" + host + ":" + bound.getPort());
  }

  /**
   * Stops accepting connections, waits up to the grace period for exchanges in flight, and frees
   * the port. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    server.stop((int) Math.max(0, grace.toSeconds()));
    executor.shutdown();
    try {
      if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS))
        executor.shutdownNow();
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void exchange(HttpExchange exchange) {
    try {
      ApiResponse response;
      try {
        response = respond(exchange);
      } catch (RuntimeException e) {
        // The router never throws; this is a failure of the translation itself.
        LOG.log(System.Logger.Level.ERROR, "HTTP exchange failed", e);
        response = Problems.internalError(String.valueOf(exchange.getRequestURI().getRawPath()));
      }
      write(exchange, response);
    } catch (IOException e) {
      // The client went away mid-exchange; there is nobody left to answer.
      LOG.log(System.Logger.Level.DEBUG, "HTTP exchange aborted: " + e);
    } finally {
      exchange.close();
    }
  }

  private ApiResponse respond(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path == null) path = "";
    if (JWKS_PATH.equals(path) && issuer != null) return jwks(exchange.getRequestMethod(), path);
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(ApiRouter.MAX_BODY_BYTES + 1);
    }
    var request =
        new ApiRequest(
            exchange.getRequestMethod(),
            path,
            ApiRequest.parseQuery(exchange.getRequestURI().getRawQuery()),
            exchange.getRequestHeaders(),
            body);
    if (streams != null && StreamRoute.serves(path)) return streams.handle(request);
    return router.handle(request);
  }

  private ApiResponse jwks(String method, String path) {
    if (!"GET".equals(method)) return Problems.methodNotAllowed(method, Set.of("GET"), path);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/jwk-set+json");
    headers.put("Cache-Control", "max-age=300");
    return new ApiResponse(200, headers, issuer.jwksJson().getBytes(StandardCharsets.UTF_8));
  }

  private static void write(HttpExchange exchange, ApiResponse response) throws IOException {
    response
        .headers()
        .forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
    exchange.getResponseHeaders().put("X-Content-Type-Options", List.of("nosniff"));
    byte[] body = response.body();
    boolean noBody = body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
    // -1 announces an empty body; 0 would mean "chunked" to this server.
    exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
