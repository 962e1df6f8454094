package dev.maestro.azure.foundry;

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
 * A local HTTP server standing in for an Azure endpoint (a Foundry resource, or the App Service
 * managed-identity token endpoint): it answers queued replies written in the service's documented
 * format, with any headers given, and keeps every request for field-by-field assertions. It is not
 * the live service.
 */
final class FoundryWireServer implements AutoCloseable {

  record Received(String method, String path, String query, Headers headers, String body) {

    JsonNode json() {
      return Json.tree(body);
    }
  }

  private record Reply(int status, String body, Map<String, String> headers) {}

  private final HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();

  FoundryWireServer() {
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
            reply =
                replies.isEmpty()
                    ? new Reply(
                        500,
                        "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"no reply queued\"}}",
                        Map.of())
                    : replies.poll();
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

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  synchronized FoundryWireServer reply(int status, String body) {
    return reply(status, body, Map.of());
  }

  synchronized FoundryWireServer reply(int status, String body, Map<String, String> headers) {
    replies.add(new Reply(status, body, headers));
    return this;
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  synchronized Received last() {
    return received.get(received.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
