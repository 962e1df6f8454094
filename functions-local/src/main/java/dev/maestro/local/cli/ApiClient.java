package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small client of the Maestro HTTP API, used by the CLI's demo, events, fork and lineage
 * commands.
 */
final class ApiClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;
  private final String idempotencyKey;

  ApiClient(String baseUrl, String token) {
    this(baseUrl, token, null);
  }

  /** A client that sends {@code idempotencyKey} (null: none) with every request. */
  ApiClient(String baseUrl, String token, String idempotencyKey) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
    this.idempotencyKey = idempotencyKey;
  }

  /** POSTs a goal frame; returns the created continuation's JSON. */
  JsonNode create(JsonNode goalFrame) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/continuations"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(goalFrame))),
        201);
  }

  JsonNode get(String id) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + "/continuations/" + id)).GET(), 200);
  }

  /** Events after {@code after}. */
  List<EventEnvelope> events(String id, long after, int limit)
      throws IOException, InterruptedException {
    JsonNode page =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        baseUrl
                            + "/continuations/"
                            + id
                            + "/events?after="
                            + after
                            + "&limit="
                            + limit))
                .GET(),
            200);
    var events = new ArrayList<EventEnvelope>();
    for (JsonNode e : page.path("events")) {
      events.add(Json.convert(e, EventEnvelope.class));
    }
    return events;
  }

  /** POSTs a fork of {@code id}; returns the child's JSON (created, or an idempotent replay). */
  JsonNode fork(String id, JsonNode request) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/continuations/" + id + "/fork"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(request))),
        201,
        200);
  }

  /**
   * POSTs a stream message to {@code topic} ({@code POST /streams/{topic}}); returns the answer.
   */
  JsonNode publish(String topic, JsonNode message) throws IOException, InterruptedException {
    String path =
        "/streams/"
            + java.net.URLEncoder.encode(topic, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(message))),
        202);
  }

  /** The API answered with a status the call does not expect. */
  static final class HttpFailure extends IOException {
    private final int status;

    HttpFailure(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status. */
    int status() {
      return status;
    }
  }

  /** The lineage of {@code id}, with at most {@code limit} descendants. */
  JsonNode lineage(String id, int limit) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(
                URI.create(baseUrl + "/continuations/" + id + "/lineage?limit=" + limit))
            .GET(),
        200);
  }

  private JsonNode send(HttpRequest.Builder request, int... expected)
      throws IOException, InterruptedException {
    if (idempotencyKey != null) request.header("Idempotency-Key", idempotencyKey);
    HttpResponse<String> response =
        http.send(
            request
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (java.util.Arrays.stream(expected).noneMatch(code -> code == response.statusCode())) {
      throw new HttpFailure(
          response.statusCode(),
          "HTTP " + response.statusCode() + " from " + response.uri() + ": " + response.body());
    }
    return Json.tree(response.body());
  }
}
