package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maestro lineage <id>}: a continuation's ancestors, siblings and descendants, from a
 * running {@code maestro serve}, one per line ({@code <relation> <id> <status> <edge> [from ...]})
 * or as JSON.
 */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description =
        "Prints a continuation's ancestors, siblings and descendants from a running API (maestro"
            + " serve), one per line or as JSON.")
final class LineageCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The continuation id.")
  String id;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "At most this many descendants (1 to 1000; default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print the lineage as JSON.")
  boolean json;

  @Mixin RunningServer server;

  @Override
  public Integer call() throws Exception {
    if (!RunningServer.isContinuationId(id)) return 2;
    if (limit < 1 || limit > 1000) {
      System.err.println("--limit: must be between 1 and 1000");
      return 2;
    }
    ApiClient client = server.client();
    if (client == null) return 2;
    JsonNode view;
    try {
      view = client.lineage(id, limit);
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    if (json) {
      System.out.println(Json.write(view));
      return 0;
    }
    for (JsonNode n : view.path("ancestors")) System.out.println(line("ancestor", n));
    System.out.println(line("self", view.path("continuation")));
    for (JsonNode n : view.path("siblings")) System.out.println(line("sibling", n));
    for (JsonNode n : view.path("descendants")) System.out.println(line("descendant", n));
    if (view.path("descendantsTruncated").asBoolean()) {
      System.out.println("... more descendants (raise --limit)");
    }
    return 0;
  }

  private static String line(String relation, JsonNode node) {
    var text =
        new StringBuilder(relation)
            .append(' ')
            .append(node.path("id").asText())
            .append(' ')
            .append(node.path("status").asText())
            .append(' ')
            .append(node.path("edge").asText());
    for (JsonNode from : node.path("from")) {
      text.append(" from ")
          .append(from.path("continuation").asText())
          .append('#')
          .append(from.path("atSequence").asLong());
    }
    return text.toString();
  }
}
