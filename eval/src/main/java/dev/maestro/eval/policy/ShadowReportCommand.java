package dev.maestro.eval.policy;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.store.SqliteSubstrate;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maestro policy shadow-report}: how the learned policy compares with the rules. */
@Command(
    name = "shadow-report",
    mixinStandardHelpOptions = true,
    description = {
      "Reads every recorded decision in the data directory and prints how often the learned"
          + " policy (v1, in shadow mode) agreed with the rules (v0) on the tier and the branch,"
          + " and where it diverged: by choice pair, direction, step kind and v1's confidence.",
      "Exit code 0; 1 when the data directory holds no database."
    })
public final class ShadowReportCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The embedded runtime's data directory (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's decisions.")
  String tenant;

  @Option(names = "--json", description = "Print the report as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    Path db;
    try {
      db = LocalLogs.database(dataDir != null ? dataDir : LocalConfig.defaultDataDir());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    var report = new ShadowReport();
    List<ContinuationRef> refs = LocalLogs.continuations(db);
    try (SqliteSubstrate store = SqliteSubstrate.open(db)) {
      for (ContinuationRef ref : refs) {
        if (tenant != null && !ref.tenant().value().equals(tenant)) continue;
        for (EventEnvelope e : LocalLogs.events(store.substrate().events(), ref)) {
          if (e.payload() instanceof EventPayload.Decided d) report.add(d);
        }
      }
    }
    System.out.print(json ? Json.write(report.json()) + "\n" : report.text());
    return 0;
  }
}
