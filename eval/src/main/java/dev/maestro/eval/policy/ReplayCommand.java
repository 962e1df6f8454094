package dev.maestro.eval.policy;

import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.JsonFiles;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.store.SqliteSubstrate;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maestro replay <id> --policy v1}: a recorded continuation re-decided under a policy. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-runs a recorded continuation's decisions under another policy, from the inputs recorded"
          + " with them, and prints per step and in total what would have changed: the decisions"
          + " (exact), the cost (the step's recorded tokens re-priced at the other tier's list"
          + " price) and the expected quality outcome (the learned model's estimate).",
      "Nothing is re-executed and nothing is written.",
      "Exit codes: 0 done; 1 the continuation or the model was not found; 2 invalid arguments."
    })
public final class ReplayCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ID", description = "The continuation's id.")
  String id;

  @Option(
      names = "--policy",
      paramLabel = "v0|v1",
      defaultValue = "v1",
      description =
          "The policy that re-decides: v1 (the learned policy within the rules' gates) or v0 (the"
              + " rules; with --policy-file, an edited tenant policy). Default: ${DEFAULT-VALUE}.")
  String policy;

  @Option(
      names = "--policy-file",
      paramLabel = "FILE",
      description = "A tenant policy document (JSON) the rules apply instead of the tenant's.")
  Path policyFile;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "The learned policy to use (default: <data-dir>/policy/v1 if present, else the model"
              + " shipped with maestro).")
  Path model;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The embedded runtime's data directory (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  @Option(names = "--json", description = "Print the replay as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    CounterfactualReplay.Alternative alternative;
    try {
      alternative = CounterfactualReplay.Alternative.valueOf(policy.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("--policy: must be v0 or v1, got '" + policy + "'");
      return 2;
    }
    if (!ContinuationId.isValid(id)) {
      System.err.println("ID: not a continuation id (a lower-case UUID): " + id);
      return 2;
    }
    Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
    Path db;
    try {
      db = LocalLogs.database(dir);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    ContinuationRef ref =
        LocalLogs.continuations(db).stream()
            .filter(r -> r.id().value().equals(id))
            .findFirst()
            .orElse(null);
    if (ref == null) {
      System.err.println("No continuation " + id + " in " + db);
      return 1;
    }
    TenantPolicy tenantPolicy;
    try {
      tenantPolicy =
          policyFile == null
              ? TenantPolicy.defaults(ref.tenant())
              : TenantPolicy.of(PolicyDocument.parse(JsonFiles.load(policyFile, "policy").tree()));
    } catch (JsonFiles.InvalidFileException e) {
      System.err.println("--policy-file: " + e.getMessage());
      return 2;
    } catch (InvalidInputException e) {
      System.err.println("--policy-file: " + e.getMessage());
      return 2;
    }
    if (!tenantPolicy.tenant().equals(ref.tenant())) {
      System.err.println(
          "--policy-file: the document is tenant "
              + tenantPolicy.tenant()
              + "'s; the continuation is tenant "
              + ref.tenant()
              + "'s");
      return 2;
    }
    LearnedPolicy learned;
    try {
      learned = LocalLearnedPolicy.find(model, dir);
    } catch (IllegalArgumentException e) {
      System.err.println("--model: " + e.getMessage());
      return 1;
    }
    if (learned == null && alternative == CounterfactualReplay.Alternative.V1) {
      System.err.println("No learned policy: train one (maestro policy train) or pass --model DIR");
      return 1;
    }
    List<EventEnvelope> events;
    try (SqliteSubstrate store = SqliteSubstrate.open(db)) {
      events = LocalLogs.events(store.substrate().events(), ref);
    }
    var replay =
        new CounterfactualReplay(
            tenantPolicy, learned, PriceTable.defaultTable(), TierRouting.standard());
    CounterfactualReplay.Result result = replay.replay(events, alternative);
    if (json) {
      System.out.println(Json.write(result.json()));
    } else {
      System.out.println("continuation " + id + " (tenant " + ref.tenant() + ")");
      System.out.print(result.text());
    }
    return 0;
  }
}
