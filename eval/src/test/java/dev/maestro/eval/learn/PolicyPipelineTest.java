package dev.maestro.eval.learn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.policy.learned.ShadowSwitch;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.local.runtime.LocalRuntime;
import dev.maestro.local.store.SqliteSubstrate;
import dev.maestro.policy.onnx.LearnedPolicies;
import dev.maestro.policy.onnx.ModelManifest;
import dev.maestro.policy.onnx.OnnxModel;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end: a default-size simulation into a fresh data directory, the dataset read
 * back from its event log, a default-size training run with its holdout AUC and ONNX parity, and a
 * small run whose model loads and scores in shadow mode.
 */
class PolicyPipelineTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @TempDir static Path dir;

  static Simulator.Summary summary;
  static DecisionDataset data;
  static Trainer.Result trained;

  @BeforeAll
  static void simulateAndTrain() throws Exception {
    summary =
        Simulator.run(
            new Simulator.Settings(
                dir.resolve("data"),
                1_500,
                11,
                Simulator.DEFAULT_EXPLORATION,
                ShadowKernel.rulesOnly()),
            System.err);
    data = DecisionDataset.read(dir.resolve("data"), TenantPolicy::defaults);
    trained =
        Trainer.train(
            data,
            new Trainer.Settings(100, 6, 11, 0.2),
            dir.resolve("model"),
            Map.of(),
            System.err);
    System.err.printf(
        "pipeline: %,d decisions, %,d route rows, %,d branch rows, route AUC %.4f, branch AUC %.4f%n",
        summary.decisions(),
        data.route().size(),
        data.branch().size(),
        trained.route().dimension().holdoutAuc(),
        trained.branch().dimension().holdoutAuc());
  }

  @AfterAll
  static void dispose() {
    if (trained != null) {
      trained.route().booster().dispose();
      trained.branch().booster().dispose();
    }
  }

  @Test
  void givenADefaultSimulation_whenRun_thenEveryContinuationCompletesWithOver10kDecisions() {
    assertThat(summary.continuations()).isEqualTo(1_500);
    assertThat(summary.completed()).isEqualTo(1_500);
    assertThat(summary.failed()).isZero();
    assertThat(summary.decisions()).isGreaterThanOrEqualTo(10_000);
    assertThat(summary.goalsMet()).isBetween(150, 1_350);
  }

  @Test
  void givenTheLog_whenRead_thenEveryStepHasTheExpectedEventShapes() {
    ContinuationRef ref = data.continuations().get(0);
    List<EventEnvelope> events;
    try (SqliteSubstrate store =
        SqliteSubstrate.open(dir.resolve("data").resolve(LocalRuntime.DATABASE))) {
      events = store.substrate().events().read(ref.tenant(), ref.id(), 0, 1_000);
    }
    var decision =
        events.stream()
            .map(EventEnvelope::payload)
            .filter(EventPayload.Decided.class::isInstance)
            .map(EventPayload.Decided.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(decision.input().path("stepKind").asText()).isEqualTo("plan");
    assertThat(decision.shadow()).isNull();
    assertThat(events).anyMatch(e -> e.payload() instanceof EventPayload.ModelCall);
    assertThat(events).anyMatch(e -> e.payload() instanceof EventPayload.BudgetCharged);
    assertThat(events)
        .anyMatch(
            e ->
                e.payload() instanceof EventPayload.ToolCall t
                    && t.tool().equals(DecisionDataset.QUALITY_CHECK)
                    && t.result().get("passed").isBoolean());
    EventPayload last = events.get(events.size() - 1).payload();
    assertThat(last).isInstanceOf(EventPayload.Completed.class);
    assertThat(((EventPayload.Completed) last).result().get("goal_met").isBoolean()).isTrue();
  }

  @Test
  void givenTheLog_whenRead_thenRowCountsAndLabelsMatchIt() {
    assertThat(data.continuations()).hasSize(1_500);
    assertThat(data.decisions()).isEqualTo(summary.decisions());
    assertThat(data.decisionsWithInput()).isEqualTo(summary.decisions());
    // Every step that ran has one model call and one quality check: a route row each; every
    // decision that ran a step has a branch row (every continuation has a goal_met result).
    assertThat(data.route().size()).isEqualTo(data.branch().size());
    assertThat(data.route().size()).isGreaterThan(summary.decisions() - 1_500);
    assertThat(data.route().features()).allMatch(r -> r.length == PolicyFeatures.ROUTE.size());
    assertThat(data.branch().features()).allMatch(r -> r.length == PolicyFeatures.BRANCH.size());
    long branchPositives = data.branch().labels().stream().filter(l -> l == 1f).count();
    assertThat(branchPositives).isPositive().isLessThan(data.branch().size());
    assertThat(data.route().positiveRate()).isBetween(0.2, 0.9);
    // The quality check feature is missing exactly on a continuation's first step.
    int qc = PolicyFeatures.COMMON.indexOf("quality_check");
    long missing = data.route().features().stream().filter(r -> Float.isNaN(r[qc])).count();
    assertThat(missing).isEqualTo(1_500);
  }

  @Test
  void givenADefaultRun_whenTrained_thenTheHoldoutAucIsClearlyAboveChance() {
    assertThat(trained.route().dimension().holdoutAuc()).isGreaterThan(0.6);
    assertThat(trained.branch().dimension().holdoutAuc()).isGreaterThan(0.5);
    assertThat(trained.route().dimension().trainRows() + trained.route().dimension().holdoutRows())
        .isEqualTo(data.route().size());
  }

  @Test
  void givenHeldOutRowsWithMissingFeatures_whenScoredByOnnxRuntime_thenXgboostIsMatchedTo1e5() {
    for (Trainer.Trained t : List.of(trained.route(), trained.branch())) {
      int f = t.holdoutFeatures()[0].length;
      try (OnnxModel onnx = OnnxModel.load(t.onnx(), f, "test")) {
        assertThat(Arrays.stream(t.holdoutFeatures()).anyMatch(r -> Float.isNaN(r[4]))).isTrue();
        OnnxTreeExportTest.assertParity(t, onnx, t.holdoutFeatures());
        float[][] allMissing = new float[3][f];
        for (float[] row : allMissing) Arrays.fill(row, Float.NaN);
        OnnxTreeExportTest.assertParity(t, onnx, allMissing);
      }
    }
  }

  @Test
  void givenASmallRun_whenTrained_thenTheModelLoadsAndScoresInShadow() throws Exception {
    Path data2 = dir.resolve("small");
    Simulator.run(new Simulator.Settings(data2, 300, 5, 0.2, ShadowKernel.rulesOnly()), QUIET);
    var small = DecisionDataset.read(data2, TenantPolicy::defaults);
    var result =
        Trainer.train(
            small,
            new Trainer.Settings(20, 4, 5, 0.2),
            data2.resolve("policy/v1"),
            Map.of(),
            QUIET);
    result.route().booster().dispose();
    result.branch().booster().dispose();

    ModelManifest manifest = LearnedPolicies.manifest(data2.resolve("policy/v1"));
    assertThat(manifest.dimensions()).containsOnlyKeys("route", "branch");
    assertThat(manifest.dimensions().get("route").features()).isEqualTo(PolicyFeatures.ROUTE);
    LearnedPolicy policy = LearnedPolicies.load(data2.resolve("policy/v1"));
    var kernel = new ShadowKernel(policy, ShadowSwitch.on());

    var shadowed =
        Simulator.run(new Simulator.Settings(dir.resolve("shadowed"), 20, 9, 0.0, kernel), QUIET);
    // Every decision that proceeds is scored; one that terminates on the hard cap is not.
    assertThat(shadowed.shadowScored()).isPositive().isGreaterThan(shadowed.decisions() * 9 / 10);
    assertThat(TenantId.of("policy-sim")).isEqualTo(Simulator.TENANT);
  }
}
