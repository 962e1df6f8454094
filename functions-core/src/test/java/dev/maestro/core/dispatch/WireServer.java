package dev.maestro.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A local HTTP server standing in for a provider's endpoint (a model API, or a token endpoint in
 * front of one): it answers queued replies, written in the service's documented format with any
 * headers given, and keeps every request it received for field-by-field assertions. It is not the
 * live service. With nothing queued it answers 500. Shared with the cloud modules' provider tests
 * through the conformance test-jar.
 */
public final class WireServer implements AutoCloseable {

  /** One request as received: the path without the query, the raw query (or null), the body. */
  public record Received(String method, String path, String query, Headers headers, String body) {

    /** The body parsed as JSON. */
    public JsonNode json() {
      return Json.tree(body);
    }
  }

  private record Reply(int status, String body, Map<String, String> headers) {}

  private static final Reply NOTHING_QUEUED =
      new Reply(
          500,
          "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"no reply queued\"}}",
          Map.of());

  private final HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();

  /** Starts a server on a free port of the loopback interface. */
  public WireServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String text =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Reply reply;
          synchronized (this) {
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders(),
                    text));
            reply = replies.isEmpty() ? NOTHING_QUEUED : replies.poll();
          }
          byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("content-type", "application/json");
          reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
          exchange.sendResponseHeaders(reply.status(), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  /** The server's base address, {@code http://127.0.0.1:port}. */
  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Queues a JSON reply. */
  public synchronized WireServer reply(int status, String body) {
    return reply(status, body, Map.of());
  }

  /** Queues a JSON reply with extra response headers. */
  public synchronized WireServer reply(int status, String body, Map<String, String> headers) {
    replies.add(new Reply(status, body, headers));
    return this;
  }

  /** Every request received so far, in order. */
  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The last request received. */
  public synchronized Received last() {
    return received.get(received.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
