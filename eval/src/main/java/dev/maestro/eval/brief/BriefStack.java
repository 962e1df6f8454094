package dev.maestro.eval.brief;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.brief.EvidenceBriefRecipe;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.ProviderSettings;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.IngestReport;
import dev.maestro.field.LuceneFieldSource;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.ShippedCorpus;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded runtime set up to run evidence briefs: the document index (built from the shipped
 * corpus when the data directory has none), the context field over it, failover dispatch in which
 * every tier falls back to the offline provider, the tenant policies of the data directory and the
 * shadow kernel. Shared by {@code maestro brief} and {@code bench brief}.
 */
public final class BriefStack implements AutoCloseable {

  private final LocalRuntime runtime;
  private final FieldServices fields;

  private BriefStack(LocalRuntime runtime, FieldServices fields) {
    this.runtime = runtime;
    this.fields = fields;
  }

  /**
   * Opens {@code dataDir}, reporting each appended event to {@code observability}; provider keys
   * (and anything else the dispatch reads) come from {@code env}.
   */
  public static BriefStack open(
      Path dataDir, Observability observability, Map<String, String> env, PrintStream progress)
      throws IOException {
    ensureIndex(dataDir.resolve(LuceneFieldSource.INDEX_DIR), progress);
    Clock clock = Clock.systemUTC();
    var fieldRef = new AtomicReference<FieldService>();
    var dispatch =
        new FailoverDispatch(
            TierRouting.standard()
                .withLastResort(new TierRouting.Route(LocalProvider.NAME, LocalProvider.MODEL_ID)),
            ProviderSettings.fromEnvironment(env),
            ProviderSettings.FAILURE_THRESHOLD,
            ProviderSettings.COOL_DOWN,
            clock);
    Path policiesDir = dataDir.resolve("policies");
    PolicyStore policies =
        Files.isDirectory(policiesDir)
            ? InMemoryPolicyStore.fromDirectory(policiesDir)
            : new InMemoryPolicyStore();
    var recipe =
        new EvidenceBriefRecipe(
            (caller, id, tokens) -> fieldRef.get().field(caller, id, tokens),
            dispatch,
            TierRouting.standard(),
            policies,
            LocalLearnedPolicy.shadowKernel(dataDir),
            PriceTable.defaultTable());
    LocalRuntime runtime =
        LocalRuntime.start(
            LocalConfig.defaults(dataDir), observability, Recipes.of(new NoopRecipe(), recipe));
    try {
      FieldServices fields =
          FieldServices.discovered(
              runtime.service(),
              clock,
              dataDir,
              env,
              t -> policies.policyFor(t).document().fieldPolicy(),
              Observability.NONE);
      fieldRef.set(fields);
      return new BriefStack(runtime, fields);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /** The runtime the briefs run on. */
  public LocalRuntime runtime() {
    return runtime;
  }

  /** Starts a brief of {@code question} for {@code caller}; returns its continuation's id. */
  public ContinuationId start(
      Principal caller, String question, BigDecimal budgetUsd, JsonNode parameters) {
    var goal =
        new GoalFrame(
            question.strip(),
            "researchers",
            null,
            List.of(),
            List.of(),
            BudgetLimits.ofUsd(budgetUsd, 2_000_000),
            null,
            List.of("every claim cites an item of the context field"),
            null,
            null,
            EvidenceBriefRecipe.NAME,
            parameters);
    return runtime.service().create(caller, goal, null).continuation().id();
  }

  /** Builds the document index from the shipped corpus when {@code index} holds none. */
  static void ensureIndex(Path index, PrintStream progress) throws IOException {
    if (Files.isDirectory(index)) {
      try (var files = Files.list(index)) {
        if (files.findAny().isPresent()) return;
      }
    }
    progress.println("brief: no document index in " + index + "; ingesting the shipped corpus");
    Files.createDirectories(index);
    try (MiniLmEmbedder embedder = MiniLmEmbedder.load();
        FieldIndex field = FieldIndex.open(index, embedder)) {
      IngestReport r = field.ingest(ShippedCorpus.documents(), false, progress);
      progress.printf(
          "brief: %d documents, %d chunks indexed (corpus %s)%n",
          r.added(), field.chunkCount(), r.corpusVersion());
    }
  }

  @Override
  public void close() {
    try {
      fields.close();
    } finally {
      runtime.close();
    }
  }
}
