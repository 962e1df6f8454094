package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.local.runtime.LocalConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BRIEF §12 on the embedded runtime over HTTP: what enters the log is PII-redacted before it is
 * sealed (the hash chain verifies over the redacted text), a compliance freeze answers 423 and
 * writes nothing while reads and kills proceed, and the tenant rate limit answers 429.
 */
class SecurityOnTheEmbeddedRuntimeTest {

  static final TenantId ACME = TenantId.of("acme");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(LocalStack stack, String method, String path, String body)
      throws Exception {
    String token = stack.issuer.mint(ACME, "alice", Duration.ofMinutes(5));
    var request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) request.header("Content-Type", "application/json");
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<EventEnvelope> log(LocalStack stack, String id) {
    return stack.runtime.substrate().events().read(ACME, ContinuationId.of(id), 0, 1000);
  }

  private static List<EventEnvelope> awaitEvents(
      LocalStack stack, String id, java.util.function.Predicate<List<EventEnvelope>> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    List<EventEnvelope> events = log(stack, id);
    while (!done.test(events) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      events = log(stack, id);
    }
    return events;
  }

  @Test
  void givenAGoalAndASignalWithAnEmail_whenWritten_thenTheLogHoldsThemRedactedAndTheChainVerifies()
      throws Exception {
    try (LocalStack stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0)) {
      var created =
          send(
              stack,
              "POST",
              "/continuations",
              """
              {"objective": "Summarise the feed trial for jane.doe@farm.example (+44 20 7946 0958)",
               "constraints": ["card 4111 1111 1111 1111 must not appear"],
               "budget": {"maxUsd": 1}}""");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(created.body()).doesNotContain("jane.doe@farm.example", "7946");
      String id = Json.tree(created.body()).path("id").asText();
      awaitEvents(
          stack, id, e -> e.stream().anyMatch(x -> x.payload() instanceof EventPayload.Slept));

      var signalled =
          send(
              stack,
              "POST",
              "/continuations/" + id + "/signals",
              "{\"kind\": \"approve\", \"body\": {\"note\": \"ok by bob@farm.example\"}}");
      assertThat(signalled.statusCode()).as(signalled.body()).isEqualTo(202);
      List<EventEnvelope> events =
          awaitEvents(
              stack,
              id,
              e -> e.stream().anyMatch(x -> x.payload() instanceof EventPayload.HumanSignal));

      String stored = Json.write(events);
      assertThat(stored)
          .doesNotContain("jane.doe@farm.example", "bob@farm.example", "7946 0958", "4111 1111")
          .contains("[REDACTED:email]", "[REDACTED:phone]", "[REDACTED:card]");
      EventPayload.Spawn spawn = (EventPayload.Spawn) events.get(0).payload();
      assertThat(spawn.goalFrame().objective())
          .isEqualTo("Summarise the feed trial for [REDACTED:email] ([REDACTED:phone])");
      JsonNode signalBody =
          events.stream()
              .map(EventEnvelope::payload)
              .filter(p -> p instanceof EventPayload.HumanSignal)
              .map(p -> ((EventPayload.HumanSignal) p).body())
              .findFirst()
              .orElseThrow();
      assertThat(signalBody.path("note").asText()).isEqualTo("ok by [REDACTED:email]");
      assertThat(EventChain.firstDefect(events)).isEmpty();
      // What the API serves is what the log holds.
      assertThat(send(stack, "GET", "/continuations/" + id + "/events", null).body())
          .doesNotContain("@farm.example");
    }
  }

  @Test
  void givenAFreezeFileDroppedIn_whenTheTenantPostsOrSignals_then423AndOnlyReadsAndKillsProceed()
      throws Exception {
    try (LocalStack stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0)) {
      String goal = "{\"objective\": \"Choline and milk yield\", \"budget\": {\"maxUsd\": 1}}";
      var first = send(stack, "POST", "/continuations", goal);
      String id = Json.tree(first.body()).path("id").asText();
      awaitEvents(
          stack, id, e -> e.stream().anyMatch(x -> x.payload() instanceof EventPayload.Slept));
      int before = log(stack, id).size();

      Files.createDirectories(dir.resolve("freeze"));
      Files.writeString(
          dir.resolve("freeze/acme.json"),
          "{\"active\": true, \"reason\": \"regulator request R-12\", \"since\": \"2026-11-23T00:00:00Z\"}");

      var refused = send(stack, "POST", "/continuations", goal);
      assertThat(refused.statusCode()).isEqualTo(423);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(Json.tree(refused.body()).path("detail").asText())
          .contains("regulator request R-12");
      assertThat(
              send(stack, "POST", "/continuations/" + id + "/signals", "{\"kind\": \"approve\"}")
                  .statusCode())
          .isEqualTo(423);
      assertThat(
              send(
                      stack,
                      "POST",
                      "/continuations/" + id + "/fork",
                      "{\"budget\": {\"maxUsd\": 0.1}}")
                  .statusCode())
          .isEqualTo(423);
      assertThat(log(stack, id)).hasSize(before);

      assertThat(send(stack, "GET", "/continuations/" + id, null).statusCode()).isEqualTo(200);
      assertThat(send(stack, "DELETE", "/continuations/" + id, null).statusCode()).isEqualTo(202);
      List<EventEnvelope> events =
          awaitEvents(
              stack, id, e -> e.stream().anyMatch(x -> x.payload() instanceof EventPayload.Killed));
      assertThat(events.get(events.size() - 1).payload()).isInstanceOf(EventPayload.Killed.class);

      Files.delete(dir.resolve("freeze/acme.json"));
      assertThat(send(stack, "POST", "/continuations", goal).statusCode()).isEqualTo(201);
    }
  }

  @Test
  void givenATenantRateLimit_whenItsBurstIsSpent_then429WithRetryAfter() throws Exception {
    ObjectNode doc = (ObjectNode) Json.toTree(PolicyDocument.defaults(ACME));
    doc.put("revision", 3);
    doc.set("rateLimit", Json.tree("{\"requestsPerSecond\": 0.01, \"burst\": 3}"));
    Files.createDirectories(dir.resolve("policies"));
    Files.writeString(dir.resolve("policies/acme.json"), Json.write(doc));

    try (LocalStack stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0)) {
      String any = "/continuations/" + ContinuationId.newId(Instant.now(), new java.util.Random(1));
      for (int i = 0; i < 3; i++)
        assertThat(send(stack, "GET", any, null).statusCode()).isEqualTo(404);
      var limited = send(stack, "GET", any, null);

      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 100L);
      assertThat(Json.tree(limited.body()).path("type").asText())
          .isEqualTo("urn:maestro:problem:rate_limited");
    }
  }
}
