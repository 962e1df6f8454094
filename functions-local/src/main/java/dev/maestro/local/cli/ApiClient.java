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

/** A small client of the Maestro HTTP API, used by the CLI's demo and events commands. */
final class ApiClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String token;

  ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
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

  private JsonNode send(HttpRequest.Builder request, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            request
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IOException(
          "HTTP " + response.statusCode() + " from " + response.uri() + ": " + response.body());
    }
    return Json.tree(response.body());
  }
}
