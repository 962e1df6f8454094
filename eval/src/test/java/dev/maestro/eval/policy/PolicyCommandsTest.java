package dev.maestro.eval.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.local.cli.CliRun;
import dev.maestro.local.store.SqliteSubstrate;
import dev.maestro.policy.onnx.LearnedPolicies;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maestro policy simulate | shadow-report | v1} and {@code maestro replay} through the CLI,
 * on simulated continuations recorded in the embedded store and scored by the shipped model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyCommandsTest {

  @TempDir static Path dir;
  static Path model = Path.of("../policy-onnx/src/main/resources/dev/maestro/policy/v1");

  @BeforeAll
  static void simulate() {
    CliRun run =
        CliRun.of(
            "policy",
            "simulate",
            "--data-dir",
            dir.toString(),
            "--continuations",
            "40",
            "--seed",
            "5",
            "--model",
            model.toString());
    assertThat(run.exit()).as(run.err()).isZero();
  }

  private static List<EventEnvelope> decisions() {
    var all = new ArrayList<EventEnvelope>();
    Path db = LocalLogs.database(dir);
    try (SqliteSubstrate store = SqliteSubstrate.open(db)) {
      for (ContinuationRef ref : LocalLogs.continuations(db)) {
        for (EventEnvelope e : LocalLogs.events(store.substrate().events(), ref)) {
          if (e.payload() instanceof EventPayload.Decided) all.add(e);
        }
      }
    }
    return all;
  }

  @Test
  @Order(1)
  void givenShadowedDecisions_whenReported_thenTheCountsAndRatesMatchTheLog() {
    List<EventEnvelope> recorded = decisions();
    long scored =
        recorded.stream()
            .filter(e -> ((EventPayload.Decided) e.payload()).shadow() != null)
            .count();
    long tierAgreed =
        recorded.stream()
            .map(e -> (EventPayload.Decided) e.payload())
            .filter(d -> d.shadow() != null && d.shadow().tier() != null && d.tier() != null)
            .filter(d -> d.shadow().tier().equals(d.tier()))
            .count();

    CliRun run = CliRun.of("policy", "shadow-report", "--data-dir", dir.toString(), "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = Json.tree(run.out());
    assertThat(report.path("decisions").asLong()).isEqualTo(recorded.size());
    assertThat(report.path("scored").asLong()).isEqualTo(scored).isPositive();
    assertThat(report.at("/tier/agreed").asLong()).isEqualTo(tierAgreed);
    assertThat(report.at("/tier/agreementRate").asDouble()).isBetween(0.0, 1.0);
    assertThat(report.path("models").has(LearnedPolicies.manifest(model).version())).isTrue();
    long divergences = 0;
    for (JsonNode n : report.at("/tier/divergences")) divergences += n.asLong();
    assertThat(divergences + tierAgreed).isEqualTo(report.at("/tier/compared").asLong());
  }

  @Test
  @Order(2)
  void givenTheRecordedDecisions_whenReplayedUnderTheSameRules_thenEveryDecisionIsReproduced() {
    Path db = LocalLogs.database(dir);
    try (SqliteSubstrate store = SqliteSubstrate.open(db)) {
      for (ContinuationRef ref : LocalLogs.continuations(db).subList(0, 10)) {
        List<EventEnvelope> events = LocalLogs.events(store.substrate().events(), ref);
        var replay =
            new CounterfactualReplay(
                TenantPolicy.defaults(ref.tenant()),
                null,
                PriceTable.defaultTable(),
                TierRouting.standard());

        CounterfactualReplay.Result r = replay.replay(events, CounterfactualReplay.Alternative.V0);

        var recorded =
            events.stream()
                .filter(e -> e.payload() instanceof EventPayload.Decided)
                .map(e -> (EventPayload.Decided) e.payload())
                .toList();
        assertThat(r.steps()).hasSameSizeAs(recorded);
        for (int i = 0; i < recorded.size(); i++) {
          var step = r.steps().get(i);
          assertThat(step.alternativeAction()).isEqualTo(recorded.get(i).action());
          assertThat(step.alternativeTier()).isEqualTo(recorded.get(i).tier());
          assertThat(step.alternativeBranch()).isEqualTo(recorded.get(i).branch());
        }
        // Same rules: a step re-priced at its decided tier costs what it cost when it ran there.
        for (var step : r.steps()) {
          if (step.recordedTier() != null && step.recordedTier().equals(step.alternativeTier())) {
            assertThat(step.alternativeUsd()).isEqualByComparingTo(step.recordedUsd());
          }
        }
      }
    }
  }

  @Test
  @Order(3)
  void givenAContinuation_whenReplayedUnderV1_thenTheTotalsAddUpAndNothingIsWritten() {
    String id = LocalLogs.continuations(LocalLogs.database(dir)).get(0).id().value();
    int before = decisions().size();

    CliRun run = CliRun.of("replay", id, "--data-dir", dir.toString(), "--policy", "v1", "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode r = Json.tree(run.out());
    assertThat(r.path("policy").asText()).isEqualTo("v1");
    BigDecimal rec = BigDecimal.ZERO;
    BigDecimal alt = BigDecimal.ZERO;
    for (JsonNode s : r.path("steps")) {
      rec = rec.add(s.path("recordedUsd").decimalValue());
      alt = alt.add(s.path("alternativeUsd").decimalValue());
      assertThat(s.path("alternativePass").asDouble()).isBetween(0.0, 1.0);
    }
    assertThat(r.path("recordedUsd").decimalValue()).isEqualByComparingTo(rec);
    assertThat(r.path("alternativeUsd").decimalValue()).isEqualByComparingTo(alt);
    assertThat(r.path("deltaUsd").decimalValue()).isEqualByComparingTo(alt.subtract(rec));
    assertThat(decisions()).hasSize(before);

    CliRun text = CliRun.of("replay", id, "--data-dir", dir.toString());
    assertThat(text.out()).contains("decisions replayed").contains("No model call was re-executed");
  }

  @Test
  @Order(4)
  void givenBadArguments_whenReplayed_thenExitCodesSayWhy() {
    String id = LocalLogs.continuations(LocalLogs.database(dir)).get(0).id().value();

    assertThat(CliRun.of("replay", id, "--data-dir", dir.toString(), "--policy", "v9").exit())
        .isEqualTo(2);
    assertThat(CliRun.of("replay", "not-an-id", "--data-dir", dir.toString()).exit()).isEqualTo(2);
    CliRun missing =
        CliRun.of("replay", "00000000-0000-7000-8000-000000000000", "--data-dir", dir.toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("No continuation");
  }

  @Test
  @Order(5)
  void givenTheKillSwitchOff_whenMoreContinuationsRun_thenTheirDecisionsCarryNoShadow() {
    long scoredBefore =
        Json.tree(
                CliRun.of("policy", "shadow-report", "--data-dir", dir.toString(), "--json").out())
            .path("scored")
            .asLong();

    CliRun off = CliRun.of("policy", "v1", "off", "--data-dir", dir.toString(), "--by", "ops");
    assertThat(off.exit()).isZero();
    assertThat(CliRun.of("policy", "v1", "--data-dir", dir.toString()).out())
        .contains("off (set by ops");
    CliRun more =
        CliRun.of(
            "policy",
            "simulate",
            "--data-dir",
            dir.toString(),
            "--continuations",
            "10",
            "--seed",
            "6");
    assertThat(more.exit()).as(more.err()).isZero();
    JsonNode after =
        Json.tree(
            CliRun.of("policy", "shadow-report", "--data-dir", dir.toString(), "--json").out());

    assertThat(after.path("scored").asLong()).isEqualTo(scoredBefore);
    assertThat(after.path("notScored").asLong()).isPositive();
    assertThat(CliRun.of("policy", "v1", "on", "--data-dir", dir.toString()).exit()).isZero();
  }
}
