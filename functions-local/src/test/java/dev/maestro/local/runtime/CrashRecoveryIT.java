package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM running {@code maestro serve} with SIGKILL — mid-step, and again while the
 * continuation sleeps — restarts it on the same data directory, and checks that the continuation
 * completes with no event lost or duplicated and the hash chain intact.
 */
class CrashRecoveryIT {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Duration LEASE_TTL = Duration.ofSeconds(1);

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void
      givenAServerKilledMidTickAndMidSleep_whenRestarted_thenTheContinuationCompletesWithAnIntactLog()
          throws Exception {
    Server first = startServer();
    String token = mintToken();
    String id =
        create(
            first,
            token,
            "{\"objective\":\"crash test\",\"budget\":{\"maxUsd\":1},"
                + "\"parameters\":{\"sleep\":\"PT2S\",\"stepDelay\":\"PT2S\"}}");

    // Kill 1: the first tick has appended its wake event and is inside the (slow) step.
    awaitEvents(
        first, token, id, events -> !events.isEmpty() && last(events).type() == EventType.WAKE);
    kill(first);

    // Restart: the interrupted tick resumes once its lease lapses, then the continuation sleeps.
    Server second = startServer();
    awaitEvents(
        second, token, id, events -> events.stream().anyMatch(e -> e.type() == EventType.SLEEP));
    // Kill 2: while it sleeps, before its timer is due.
    kill(second);

    Server third = startServer();
    List<EventEnvelope> events =
        awaitEvents(third, token, id, es -> !es.isEmpty() && last(es).type() == EventType.COMPLETE);

    assertThat(EventChain.firstDefect(events)).isEmpty();
    Map<EventType, Long> counts =
        events.stream().collect(Collectors.groupingBy(EventEnvelope::type, Collectors.counting()));
    assertThat(counts)
        .containsEntry(EventType.SPAWN, 1L)
        .containsEntry(EventType.SLEEP, 1L)
        .containsEntry(EventType.COMPLETE, 1L)
        .containsEntry(EventType.WAKE, 2L);
    assertThat(events)
        .extracting(EventEnvelope::type)
        .containsExactly(
            EventType.SPAWN, EventType.WAKE, EventType.SLEEP, EventType.WAKE, EventType.COMPLETE);
    List<String> wakeIds =
        events.stream()
            .map(EventEnvelope::payload)
            .filter(p -> p instanceof EventPayload.Woken)
            .map(p -> ((EventPayload.Woken) p).wakeId())
            .toList();
    assertThat(wakeIds).doesNotHaveDuplicates();
    // The resumed step ran under a newer lease than the one that appended its wake event.
    assertThat(events.get(2).generation()).isGreaterThan(events.get(1).generation());
    JsonNode state = get(third, token, id).path("continuation");
    assertThat(state.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(state.path("result").path("ticks").asInt()).isEqualTo(2);
  }

  private record Server(Process process, String baseUrl) {}

  private Server startServer() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                javaCommand(
                    "serve",
                    "--data-dir",
                    dataDir.toString(),
                    "--port",
                    "0",
                    "--lease-ttl",
                    LEASE_TTL.toString()))
            .redirectErrorStream(true)
            .start();
    children.add(p);
    var reader =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon(true)
        .start(
            () -> {
              try {
                String line;
                while ((line = reader.readLine()) != null) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) url.complete(m.group(1));
                }
                url.completeExceptionally(
                    new IllegalStateException("server exited before listening"));
              } catch (IOException e) {
                url.completeExceptionally(e);
              }
            });
    try {
      return new Server(p, url.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("the child server did not start", e);
    }
  }

  private String mintToken() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                javaCommand("token", "--tenant", "crash", "--data-dir", dataDir.toString()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return out;
  }

  private static List<String> javaCommand(String... args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    var cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.maestro.local.cli.MaestroCli"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void kill(Server server) throws InterruptedException {
    server.process().destroyForcibly(); // SIGKILL on Unix: no shutdown hooks run
    assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private String create(Server server, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/continuations"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.tree(r.body()).path("id").asText();
  }

  private JsonNode get(Server server, String token, String id)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/continuations/" + id))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.tree(r.body());
  }

  private List<EventEnvelope> awaitEvents(
      Server server, String token, String id, Predicate<List<EventEnvelope>> done)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    List<EventEnvelope> events = List.of();
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          server.baseUrl() + "/continuations/" + id + "/events?after=0&limit=1000"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      var list = new ArrayList<EventEnvelope>();
      for (JsonNode e : Json.tree(r.body()).path("events"))
        list.add(Json.convert(e, EventEnvelope.class));
      events = list;
      if (done.test(events)) return events;
      Thread.sleep(50);
    }
    throw new AssertionError(
        "timed out waiting; events so far: " + events.stream().map(e -> e.type().wire()).toList());
  }

  private static EventEnvelope last(List<EventEnvelope> events) {
    return events.get(events.size() - 1);
  }
}
