package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.Observability;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.otel.OtlpSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maestro demo}: the lifecycle end to end through the real HTTP API: create a continuation,
 * watch it tick, sleep, wake on its timer and complete, printing each event as it is appended.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one continuation end to end on the embedded runtime: POST a goal frame to the local API,",
      "then print each event as it happens (spawn, wake, sleep, wake, complete) and verify the hash chain."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--sleep",
      defaultValue = "PT3S",
      description =
          "How long the continuation sleeps between its ticks (default: ${DEFAULT-VALUE}).")
  Duration sleep;

  @Option(
      names = "--tenant",
      defaultValue = "demo",
      description = "Tenant to run as (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep the data here (default: a fresh temporary directory).")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "PT2M",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Export the demo's spans and metrics over OTLP/HTTP to this collector (default:"
              + " OTEL_EXPORTER_OTLP_ENDPOINT; unset: no export).")
  String otlpEndpoint;

  @Override
  public Integer call() throws Exception {
    if (!TenantOption.isValid(tenant)) return 2;
    Path dir = dataDir != null ? dataDir : Files.createTempDirectory("maestro-demo-");
    var config = LocalConfig.defaults(dir);
    try (LocalStack stack =
        LocalStack.start(
            config,
            "127.0.0.1",
            0,
            Observability.NONE,
            null,
            OtlpSettings.withEndpoint(System.getenv(), otlpEndpoint))) {
      System.out.println(
          "Maestro demo: embedded runtime at " + stack.baseUrl() + " (data: " + dir + ")");
      var client =
          new ApiClient(
              stack.baseUrl(), stack.issuer.mint(TenantId.of(tenant), "demo", Duration.ofHours(1)));
      JsonNode created = client.create(goalFrame());
      String id = created.path("id").asText();
      System.out.println("POST /continuations -> " + id + " (tenant " + tenant + ")");
      Instant started = Instant.now();
      Instant deadline = started.plus(timeout);
      List<EventEnvelope> seen = new ArrayList<>();
      String status = "";
      while (Instant.now().isBefore(deadline)) {
        for (EventEnvelope e : client.events(id, seen.size(), 100)) {
          seen.add(e);
          System.out.println(EventFormat.line(e));
        }
        status = client.get(id).path("continuation").path("status").asText();
        if (Status.valueOf(status).isTerminal() && client.events(id, seen.size(), 1).isEmpty())
          break;
        Thread.sleep(100);
      }
      Duration took = Duration.between(started, Instant.now());
      var defect = EventChain.firstDefect(seen);
      System.out.printf(
          "Status %s after %.1f s; %d events; hash chain %s%n",
          status,
          took.toMillis() / 1000.0,
          seen.size(),
          defect.map(d -> "BROKEN: " + d).orElse("verified"));
      if (!Status.COMPLETED.name().equals(status)) {
        System.err.println("The continuation did not complete within " + timeout);
        return 1;
      }
      return defect.isPresent() ? 1 : 0;
    }
  }

  private ObjectNode goalFrame() {
    ObjectNode goal = JsonNodeFactory.instance.objectNode();
    goal.put("objective", "Evidence brief: rumen-protected choline in transition dairy cows");
    goal.put("audience", "dairy nutrition consultants");
    goal.putObject("budget").put("maxUsd", 2.00);
    goal.put("recipe", "noop");
    goal.putObject("parameters").put("sleep", sleep.toString());
    return goal;
  }
}
