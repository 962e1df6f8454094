package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maestro fork <id>}: forks a continuation through a running {@code maestro serve}, from its
 * head or, with {@code --at}, from any past event, carving {@code --budget} dollars out of the
 * parent's remaining budget. Prints the child's id.
 */
@Command(
    name = "fork",
    mixinStandardHelpOptions = true,
    description =
        "Forks a continuation through a running API (maestro serve), now or from a past event"
            + " (--at), with a budget carved out of the parent's. Prints the child's id.")
final class ForkCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The continuation to fork.")
  String id;

  @Option(
      names = "--at",
      paramLabel = "SEQ",
      description = "Fork from the state as of this event of the parent (default: its head).")
  Long at;

  @Option(
      names = "--budget",
      paramLabel = "USD",
      required = true,
      description = "The child's hard cap in US dollars, carved out of the parent's budget.")
  BigDecimal budget;

  @Option(names = "--objective", description = "The child's objective (default: the parent's).")
  String objective;

  @Option(
      names = "--idempotency-key",
      description = "Makes a retry of this fork return the first child instead of a second one.")
  String idempotencyKey;

  @Option(names = "--json", description = "Print the child as JSON.")
  boolean json;

  @Mixin RunningServer server;

  @Override
  public Integer call() throws Exception {
    if (!RunningServer.isContinuationId(id)) return 2;
    if (at != null && at < 1) {
      System.err.println("--at: must be a sequence >= 1");
      return 2;
    }
    if (budget.signum() < 0) {
      System.err.println("--budget: must be >= 0");
      return 2;
    }
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    if (at != null) request.put("atSequence", at);
    request.putObject("budget").put("maxUsd", budget);
    if (objective != null) request.putObject("goal").put("objective", objective);
    ApiClient client = server.client(idempotencyKey);
    if (client == null) return 2;
    try {
      var child = client.fork(id, request);
      System.out.println(json ? Json.write(child) : child.path("id").asText());
      return 0;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }
}
