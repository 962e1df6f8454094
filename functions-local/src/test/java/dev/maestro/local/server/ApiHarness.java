package dev.maestro.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running API for tests: the SQLite substrate in a temporary directory, the continuation service,
 * the local JWT issuer, the router behind a real HTTP server on an ephemeral port, and an HTTP
 * client. No tick engine runs on its own; {@link #runDueTicks()} delivers due wakes by hand.
 */
final class ApiHarness implements AutoCloseable {

  static final String ISSUER = "maestro-local";
  static final String AUDIENCE = "maestro-api";

  final Path dir;
  final SqliteSubstrate store;
  final ContinuationService service;
  final LocalJwtIssuer issuer;
  final HttpApiServer server;
  final HttpClient http;
  private final TickEngine engine;

  private ApiHarness(Path dir) {
    this.dir = dir;
    this.store = SqliteSubstrate.open(dir.resolve("api.db"));
    var random = new SecureRandom();
    this.service = new ContinuationService(store.substrate(), Clock.systemUTC(), random);
    this.issuer = LocalJwtIssuer.loadOrCreate(dir, ISSUER, AUDIENCE);
    var router = new ApiRouter(service, issuer.identity(), Recipes.builtIn());
    this.server =
        HttpApiServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), router, issuer);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.engine =
        new TickEngine(
            store.substrate(),
            Recipes.builtIn(),
            Clock.systemUTC(),
            "api-test",
            Duration.ofSeconds(30),
            Observability.NONE,
            random);
  }

  static ApiHarness start(Path dir) {
    return new ApiHarness(dir);
  }

  /** A valid token for {@code tenant}. */
  String token(String tenant) {
    return issuer.mint(TenantId.of(tenant), "alice@" + tenant, Duration.ofMinutes(10));
  }

  /** A response, fully read. */
  record Response(int status, HttpHeaders headers, byte[] body) {
    JsonNode json() {
      return Json.tree(text());
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }

  /**
   * Sends one request; {@code token} and {@code contentType} may be null; extra headers are
   * name/value pairs.
   */
  Response send(
      String method,
      String pathAndQuery,
      String token,
      String contentType,
      byte[] body,
      String... headers) {
    var builder =
        HttpRequest.newBuilder(URI.create(server.baseUri() + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) builder.header("Authorization", "Bearer " + token);
    if (contentType != null) builder.header("Content-Type", contentType);
    for (int i = 0; i + 1 < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
    try {
      HttpResponse<byte[]> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response postJson(String path, String token, String json, String... headers) {
    return send(
        "POST", path, token, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  Response delete(String path, String token, String... headers) {
    return send("DELETE", path, token, null, null, headers);
  }

  /** Creates a continuation for {@code tenant} over HTTP and returns its id. */
  String create(String tenant, String json) {
    Response r = postJson("/continuations", token(tenant), json);
    if (r.status() != 201) throw new AssertionError("create failed: " + r);
    return r.json().path("id").asText();
  }

  /** Delivers every due wake through a tick engine until none is due; returns how many ran. */
  int runDueTicks() {
    int delivered = 0;
    for (int round = 0; round < 100; round++) {
      List<ScheduledWake> due = store.timers().due(Instant.now(), 100);
      if (due.isEmpty()) return delivered;
      for (ScheduledWake wake : due) {
        engine.deliver(wake.ref(), wake.wake());
        store.timers().acknowledge(wake);
        delivered++;
      }
    }
    throw new AssertionError("wakes kept coming due");
  }

  /** Every event of a continuation, read from the store directly. */
  List<EventEnvelope> events(String tenant, String id) {
    return store.substrate().events().read(TenantId.of(tenant), ContinuationId.of(id), 0, 10_000);
  }

  /** The wakes pending for a continuation, by id. */
  Map<String, Instant> pendingWakes(String tenant, String id) {
    var result = new LinkedHashMap<String, Instant>();
    for (ScheduledWake w :
        store.substrate().scheduler().pending(TenantId.of(tenant), ContinuationId.of(id))) {
      result.put(w.wake().id(), w.dueAt());
    }
    return result;
  }

  /** Every unfinished continuation in the store (all of them while no tick has finished one). */
  List<ContinuationRef> unfinished() {
    var all = new ArrayList<ContinuationRef>();
    ContinuationRef after = null;
    while (true) {
      List<ContinuationRef> page = store.substrate().continuations().scanUnfinished(after, 500);
      all.addAll(page);
      if (page.size() < 500) return all;
      after = page.get(page.size() - 1);
    }
  }

  @Override
  public void close() {
    http.close();
    server.close();
    store.close();
  }
}
