package dev.maestro.local.cli;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maestro events <id>}: a continuation's events, from a running {@code maestro serve}. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description =
        "Prints a continuation's events from a running API (maestro serve), one per line or as JSON.")
final class EventsCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The continuation id.")
  String id;

  @Option(
      names = "--after",
      defaultValue = "0",
      description = "Only events after this sequence (default: ${DEFAULT-VALUE}).")
  long after;

  @Option(names = "--json", description = "Print each event as a JSON line.")
  boolean json;

  @Mixin RunningServer server;

  @Override
  public Integer call() throws Exception {
    if (!RunningServer.isContinuationId(id)) return 2;
    ApiClient client = server.client();
    if (client == null) return 2;
    long cursor = after;
    while (true) {
      List<EventEnvelope> page = client.events(id, cursor, 500);
      for (EventEnvelope e : page) {
        System.out.println(json ? Json.write(e) : EventFormat.line(e));
        cursor = e.sequence();
      }
      if (page.size() < 500) return 0;
    }
  }
}
