package dev.maestro.core.field;

import static dev.maestro.core.field.Fixtures.NOW;
import static dev.maestro.core.field.Fixtures.candidate;
import static dev.maestro.core.field.Fixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assembly: MMR, the token budget, thresholds, the evicted log, staleness and the JSON shape. */
class FieldAssemblerTest {

  private static final FieldWeights SEM_ONLY = new FieldWeights(0, 1, 0, 0, 0, 0.5);

  private final FieldAssembler assembler = new FieldAssembler();

  private static Map<String, Double> cos(double v) {
    return Map.of(FieldCandidate.COSINE, v);
  }

  @Test
  void
      givenCandidatesOverTheBudget_whenAssembled_thenTheBestThatFitAreKeptAndTheRestLoggedOverBudget() {
    var cs =
        List.of(
            candidate("a", Channel.SEMANTIC, 60, cos(0.9), 1, 0, 0),
            candidate("b", Channel.SEMANTIC, 60, cos(0.8), 0, 1, 0),
            candidate("c", Channel.SEMANTIC, 30, cos(0.7), 0, 0, 1));

    FieldManifest m = assembler.assemble(query(), cs, 100, SEM_ONLY, NOW);

    assertThat(m.items()).extracting(FieldItem::id).containsExactly("a", "c");
    assertThat(m.tokensUsed()).isEqualTo(90);
    assertThat(m.evicted())
        .extracting(Eviction::id, Eviction::reason)
        .containsExactly(tuple("b", Eviction.Reason.OVER_BUDGET));
    assertThat(m.evicted().get(0).detail()).isEqualTo("40 tokens left");
  }

  @Test
  void
      givenANearDuplicate_whenAssembled_thenMmrPrefersTheDiverseCandidateAndLogsTheCopyRedundant() {
    var cs =
        List.of(
            candidate("a", Channel.SEMANTIC, 10, cos(0.90), 1, 0),
            candidate("a-copy", Channel.SEMANTIC, 10, cos(0.89), 1, 0.01f),
            candidate("b", Channel.SEMANTIC, 10, cos(0.60), 0, 1));

    FieldManifest m = assembler.assemble(query(), cs, 1000, SEM_ONLY, NOW);

    assertThat(m.items()).extracting(FieldItem::id).containsExactly("a", "b");
    assertThat(m.evicted())
        .extracting(Eviction::id, Eviction::reason)
        .containsExactly(tuple("a-copy", Eviction.Reason.REDUNDANT));
    assertThat(m.evicted().get(0).detail()).startsWith("similarity 1.000 to a");
  }

  @Test
  void givenAPartlyRedundantCandidate_whenKept_thenItsScoreCarriesThePenalty() {
    var cs =
        List.of(
            candidate("a", Channel.SEMANTIC, 10, cos(0.9), 1, 0),
            candidate("b", Channel.SEMANTIC, 10, cos(0.8), 1, 1));

    FieldManifest m = assembler.assemble(query(), cs, 1000, SEM_ONLY, NOW);

    FieldItem b = m.items().get(1);
    assertThat(b.breakdown().redundancy())
        .isCloseTo(Math.sqrt(0.5), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(b.score())
        .isCloseTo(0.8 - 0.5 * Math.sqrt(0.5), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(m.items().get(0).breakdown().redundancy()).isZero();
  }

  @Test
  void givenALowRelevanceCandidate_whenAssembled_thenItIsLoggedBelowThreshold() {
    var cs =
        List.of(
            candidate("a", Channel.SEMANTIC, 10, cos(0.5)),
            candidate("neg", Channel.SEMANTIC, 10, cos(-0.2)));

    FieldManifest m = assembler.assemble(query(), cs, 1000, SEM_ONLY, NOW);

    assertThat(m.items()).extracting(FieldItem::id).containsExactly("a");
    assertThat(m.evicted())
        .extracting(Eviction::id, Eviction::reason, Eviction::score)
        .containsExactly(tuple("neg", Eviction.Reason.BELOW_THRESHOLD, -0.2));
  }

  @Test
  void givenARepeatedId_whenAssembled_thenTheRepeatIsMergedAndLoggedDuplicate() {
    var first = candidate("a", Channel.SEMANTIC, 10, cos(0.3));
    var again = candidate("a", Channel.GRAPH, 10, cos(0.7));

    FieldManifest m = assembler.assemble(query(), List.of(first, again), 1000, SEM_ONLY, NOW);

    assertThat(m.items()).hasSize(1);
    assertThat(m.items().get(0).score()).isEqualTo(0.7);
    assertThat(m.items().get(0).provenance()).hasSize(2);
    assertThat(m.evicted())
        .extracting(Eviction::id, Eviction::channel, Eviction::reason)
        .containsExactly(tuple("a", Channel.GRAPH, Eviction.Reason.DUPLICATE));
  }

  @Test
  void givenARecallWithASilentChannel_whenAssembled_thenTheChannelIsLoggedAndItsReportKept() {
    var recall =
        new RecallResult(
            List.of(candidate("a", Channel.SEMANTIC, 10, cos(0.5))),
            List.of(candidate("z", Channel.SEMANTIC, 10, cos(0.1))),
            List.of(
                new ChannelReport(
                    "lucene", Channel.SEMANTIC, ChannelReport.Outcome.ANSWERED, 2, 3, null),
                new ChannelReport(
                    "lineage", Channel.GRAPH, ChannelReport.Outcome.TIMED_OUT, 0, 150, null),
                new ChannelReport(
                    "tables", Channel.STRUCTURED, ChannelReport.Outcome.FAILED, 0, 1, "down")),
            0);

    FieldManifest m = assembler.assemble(query(), recall, 1000, SEM_ONLY, NOW);

    assertThat(m.evicted())
        .extracting(Eviction::id, Eviction::reason, Eviction::detail)
        .containsExactly(
            tuple("lineage", Eviction.Reason.CHANNEL_TIMEOUT, "no answer within 150 ms"),
            tuple("tables", Eviction.Reason.CHANNEL_FAILED, "down"),
            tuple("z", Eviction.Reason.OVER_CAP, "beyond the cap"));
    assertThat(m.channels()).hasSize(3);
    assertThat(m.items()).extracting(FieldItem::id).containsExactly("a");
  }

  @Test
  void givenAnAssembledField_whenTheTtlPasses_thenItIsStale() {
    var a = new FieldAssembler(FieldSettings.DEFAULTS.withTtl(Duration.ofMinutes(2)));

    FieldManifest m = a.assemble(query(), List.of(), 100, FieldWeights.DEFAULTS, NOW);

    assertThat(m.ttlSeconds()).isEqualTo(120);
    assertThat(m.staleAt()).isEqualTo(NOW.plusSeconds(120));
    assertThat(m.isStale(NOW.plusSeconds(119))).isFalse();
    assertThat(m.isStale(NOW.plusSeconds(120))).isTrue();
  }

  @Test
  void givenAManifest_whenSerialised_thenItHasAStableCamelCaseShapeAndReadsBackEqual() {
    var cs = new ArrayList<FieldCandidate>();
    cs.add(
        new FieldCandidate(
            "doc#0",
            Channel.SEMANTIC,
            "permission is hereby granted",
            12,
            List.of(new Provenance("licences", "mit", NOW.minus(Duration.ofDays(3)), 0.9)),
            Map.of(
                FieldCandidate.BM25, 2.5, FieldCandidate.COSINE, 0.7, FieldCandidate.RERANK, 0.8),
            new float[] {1, 0}));
    cs.add(candidate("doc#1", Channel.EPISODIC, 500, cos(0.2), 0, 1));
    var recall =
        new RecallResult(
            cs,
            List.of(),
            List.of(
                new ChannelReport(
                    "lucene", Channel.SEMANTIC, ChannelReport.Outcome.ANSWERED, 1, 4, null),
                new ChannelReport(
                    "log", Channel.EPISODIC, ChannelReport.Outcome.TIMED_OUT, 0, 150, null)),
            0);
    FieldManifest m = assembler.assemble(query(), recall, 100, FieldWeights.DEFAULTS, NOW);

    JsonNode json = Json.tree(Json.write(m));

    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "continuationId",
            "tenant",
            "goalFrameHash",
            "corpusVersion",
            "candidateSetVersion",
            "budgetTokens",
            "tokensUsed",
            "weights",
            "items",
            "evicted",
            "channels",
            "assembledAt",
            "ttlSeconds",
            "staleAt");
    assertThat(json.get("continuationId").asText()).isEqualTo(Fixtures.CONTINUATION.value());
    assertThat(json.get("staleAt").asText()).isEqualTo("2026-03-01T12:10:00Z");
    JsonNode item = json.get("items").get(0);
    assertThat(item.get("channel").asText()).isEqualTo("semantic");
    assertThat(item.get("breakdown").fieldNames())
        .toIterable()
        .containsExactly(
            "rerank",
            "cosine",
            "bm25Norm",
            "recency",
            "trust",
            "missing",
            "relevance",
            "redundancy",
            "score");
    assertThat(item.get("provenance").get(0).get("recordedAt").asText())
        .isEqualTo("2026-02-26T12:00:00Z");
    assertThat(json.get("evicted").get(0).get("reason").asText()).isEqualTo("channel_timeout");
    assertThat(json.get("evicted").get(0).has("score")).isFalse();
    assertThat(json.get("evicted").get(1).get("reason").asText()).isEqualTo("over_budget");
    assertThat(json.get("channels").get(1).get("outcome").asText()).isEqualTo("timed_out");
    assertThat(json.get("weights").fieldNames())
        .toIterable()
        .containsExactly("rel", "sem", "lex", "rec", "trust", "red");

    assertThat(Json.read(Json.write(m), FieldManifest.class)).isEqualTo(m);
  }
}
