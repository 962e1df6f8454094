package dev.maestro.field.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.field.Document;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.LuceneFieldSource;
import dev.maestro.field.MiniLmEmbedder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local field source selects the cross-encoder when its model and tokenizer are configured;
 * over a generated graph (plumbing only, no ranking quality is claimed).
 */
class CrossEncoderFieldSourceTest {

  static final FieldQuery QUERY =
      FieldQuery.of(
          TenantId.of("acme"),
          ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057"),
          "dairy cows choline milk",
          10,
          Instant.parse("2026-03-01T12:00:00Z"));

  @TempDir static Path dataDir;
  static Map<String, String> settings;

  @BeforeAll
  static void indexAndModel() throws Exception {
    try (MiniLmEmbedder embedder = MiniLmEmbedder.load(2);
        FieldIndex index =
            FieldIndex.open(dataDir.resolve(LuceneFieldSource.INDEX_DIR), embedder)) {
      index.ingest(
          List.of(
              new Document("a", "", "Milk from cows fed choline rose in a trial.", "t"),
              new Document("b", "", "Dairy dairy dairy: choline in dairy cow rations.", "t"),
              new Document("c", "", "Cows graze on pasture; milk yield varies.", "t"),
              new Document("d", "", "Choline is a nutrient; milk contains some.", "t"),
              new Document("e", "", "Dairy cows and milk.", "t")),
          false,
          null);
    }
    Path tokenizer = GeneratedCrossEncoder.tokenizer(dataDir);
    Set<Long> marked = new HashSet<>();
    try (var plain = HuggingFaceTokenizer.newInstance(tokenizer, Map.of())) {
      for (long id : plain.encode("dairy", false, false).getIds()) marked.add(id);
    }
    Path model = GeneratedCrossEncoder.write(dataDir.resolve("pair.onnx"), marked, 1);
    settings =
        Map.of(
            CrossEncoderReranker.MODEL_SETTING, model.toString(),
            CrossEncoderReranker.TOKENIZER_SETTING, tokenizer.toString(),
            LuceneFieldSource.TOP_SETTING, "3");
  }

  @Test
  void
      givenACrossEncoderConfigured_whenRecalled_thenTheTopCandidatesAreReranked_GeneratedGraph_plumbingOnly()
          throws Exception {
    List<RecallChannel> channels = FieldSource.discover(dataDir, settings);
    assertThat(channels).hasSize(1);
    try {
      List<FieldCandidate> out = channels.get(0).recall(QUERY, 5);

      assertThat(out).hasSize(5);
      List<FieldCandidate> top = out.subList(0, 3);
      assertThat(top).allMatch(c -> c.feature(FieldCandidate.RERANK) != null);
      assertThat(out.subList(3, 5)).allMatch(c -> c.feature(FieldCandidate.RERANK) == null);
      for (int i = 1; i < 3; i++) {
        assertThat(top.get(i - 1).feature(FieldCandidate.RERANK))
            .isGreaterThanOrEqualTo(top.get(i).feature(FieldCandidate.RERANK));
      }
    } finally {
      ((AutoCloseable) channels.get(0)).close();
    }
  }

  @Test
  void givenOnlyTheModelPath_whenSourcesAreOpened_thenTheSourceFailsNamingTheMissingSetting() {
    var source = new LuceneFieldSource();
    assertThatThrownBy(
            () ->
                source.channels(
                    dataDir,
                    Map.of(
                        CrossEncoderReranker.MODEL_SETTING,
                        settings.get(CrossEncoderReranker.MODEL_SETTING))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CrossEncoderReranker.TOKENIZER_SETTING);
  }
}
