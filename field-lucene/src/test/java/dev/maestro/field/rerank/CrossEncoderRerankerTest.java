package dev.maestro.field.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.maestro.field.Candidate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder path over a generated ONNX graph with a cross-encoder's signature ({@link
 * GeneratedCrossEncoder}): plumbing only. No cross-encoder weights are available, so these tests
 * check tokenization, batching, padding and masks, truncation, ordering and signature checks, not
 * ranking quality.
 */
class CrossEncoderRerankerTest {

  static final String QUERY = "choline supplements for dairy cows";

  @TempDir static Path dir;
  static Path tokenizerFile;
  static HuggingFaceTokenizer plain;
  static Set<Long> marked;
  static CrossEncoderReranker reranker;

  @BeforeAll
  static void load() throws Exception {
    tokenizerFile = GeneratedCrossEncoder.tokenizer(dir);
    plain =
        HuggingFaceTokenizer.newInstance(
            tokenizerFile, Map.of("padding", "false", "truncation", "false"));
    marked = new HashSet<>();
    for (long id : plain.encode("dairy", false, false).getIds()) marked.add(id);
    Path model = GeneratedCrossEncoder.write(dir.resolve("pair.onnx"), marked, 1);
    reranker = CrossEncoderReranker.load(model, tokenizerFile, 512, 1);
  }

  @AfterAll
  static void close() {
    reranker.close();
    plain.close();
  }

  /** What the generated graph answers: 10 × the share of the pair's tokens that are marked. */
  static double expected(String query, String passage) {
    Encoding e = plain.encode(query, passage);
    long[] ids = e.getIds();
    long[] types = e.getTypeIds();
    int hits = 0;
    for (int i = 0; i < ids.length; i++) if (types[i] == 1 && marked.contains(ids[i])) hits++;
    return 10.0 * hits / ids.length;
  }

  private static Candidate candidate(String id, String text) {
    return new Candidate(id, id, 0, 1.0, 1.0, 0.5, "", "test", "hash-" + id, text);
  }

  @Test
  void givenPairs_whenScored_thenEachIsTheGraphsValue_GeneratedGraph_plumbingOnly() {
    List<String> passages =
        List.of(
            "dairy cows given dairy rations",
            "Rumen-protected choline raised milk yield in dairy herds",
            "zebrafish regrow heart tissue");

    double[] scores = reranker.score(QUERY, passages);

    assertThat(scores).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(scores[i]).isCloseTo(expected(QUERY, passages.get(i)), within(1e-5));
    }
    assertThat(scores[2]).isZero();
    assertThat(scores[0]).isGreaterThan(scores[1]).isGreaterThan(0);
  }

  @Test
  void
      givenAShortPassageBatchedWithALongOne_whenScored_thenPaddingChangesNothing_GeneratedGraph_plumbingOnly() {
    String shortOne = "dairy cows";
    String longOne = "word ".repeat(200) + "dairy";

    double alone = reranker.score(QUERY, List.of(shortOne))[0];
    double[] batched = reranker.score(QUERY, List.of(longOne, shortOne, longOne));

    assertThat(batched[1]).isCloseTo(alone, within(1e-6));
    assertThat(batched[0]).isCloseTo(batched[2], within(1e-6));
    assertThat(batched[0]).isCloseTo(expected(QUERY, longOne), within(1e-5));
  }

  @Test
  void givenAPairLongerThanMaxLength_whenScored_thenItIsTruncated_GeneratedGraph_plumbingOnly()
      throws Exception {
    String passage = "word ".repeat(100) + "dairy dairy dairy";
    Path model = GeneratedCrossEncoder.write(dir.resolve("pair-16.onnx"), marked, 1);
    try (var shortened = CrossEncoderReranker.load(model, tokenizerFile, 16, 1)) {
      assertThat(shortened.tokens(QUERY, passage)).hasSize(16);
      assertThat(shortened.score(QUERY, List.of(passage))[0]).isZero();
    }
    assertThat(reranker.tokens(QUERY, passage).length).isGreaterThan(100);
    assertThat(reranker.score(QUERY, List.of(passage))[0]).isGreaterThan(0);
  }

  @Test
  void
      givenCandidates_whenReranked_thenBestFirstWithScoresAndTiesInStageOneOrder_GeneratedGraph_plumbingOnly() {
    List<Candidate> stageOne =
        List.of(
            candidate("a", "zebrafish regrow heart tissue"),
            candidate("b", "milk yield in dairy herds"),
            candidate("c", "dairy dairy"),
            candidate("d", "cats sleep all day"));

    List<Candidate> out = reranker.rerank(QUERY, stageOne);

    assertThat(out).extracting(Candidate::chunkId).containsExactly("c", "b", "a", "d");
    assertThat(out).allMatch(c -> Double.isFinite(c.rerank()));
    assertThat(out.get(0).rerank()).isGreaterThan(out.get(1).rerank());
    assertThat(out.get(0).bm25()).isEqualTo(1.0);
    assertThat(reranker.rerank(QUERY, List.of())).isEmpty();
  }

  @Test
  void
      givenATwoClassModel_whenScored_thenTheScoreIsThePositiveLogOdds_GeneratedGraph_plumbingOnly() {
    Path model = GeneratedCrossEncoder.write(dir.resolve("pair-2.onnx"), marked, 2);
    List<String> passages = List.of("dairy cows", "cats", "dairy");
    try (var twoClass = CrossEncoderReranker.load(model, tokenizerFile, 512, 1)) {
      double[] two = twoClass.score(QUERY, passages);
      double[] one = reranker.score(QUERY, passages);
      for (int i = 0; i < passages.size(); i++) assertThat(two[i]).isCloseTo(one[i], within(1e-5));
    }
  }

  @Test
  void
      givenManyCandidates_whenScoredInOneCall_thenEachEqualsItsScoreAlone_GeneratedGraph_plumbingOnly() {
    var passages = new ArrayList<String>();
    for (int i = 0; i < 200; i++) passages.add("passage " + i + " dairy".repeat(i % 5));

    double[] all = reranker.score(QUERY, passages);

    for (int i = 0; i < 200; i += 37) {
      assertThat(all[i])
          .isCloseTo(reranker.score(QUERY, List.of(passages.get(i)))[0], within(1e-6));
    }
  }

  @Test
  void givenAModelWithAnotherSignature_whenLoaded_thenTheMessageSaysWhatItHas() throws Exception {
    Path renamed = dir.resolve("renamed.onnx");
    Files.write(renamed, GeneratedCrossEncoder.onnx(marked, 1, "ids", 7));
    Path threeWide = dir.resolve("three-wide.onnx");
    Files.write(threeWide, GeneratedCrossEncoder.onnx(marked, 3, "input_ids", 7));

    assertThatThrownBy(() -> CrossEncoderReranker.load(renamed, tokenizerFile, 512, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a cross-encoder")
        .hasMessageContaining("no input input_ids")
        .hasMessageContaining("unexpected input ids");
    assertThatThrownBy(() -> CrossEncoderReranker.load(threeWide, tokenizerFile, 512, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "output logits is float [-1, 3], not float logits [batch, 1] or [batch, 2]");
  }

  @Test
  void givenSettings_whenRead_thenBothPathsAreNeededAndMissingFilesAreNamed() {
    assertThat(CrossEncoderReranker.fromSettings(Map.of())).isEmpty();
    assertThatThrownBy(
            () ->
                CrossEncoderReranker.fromSettings(
                    Map.of(CrossEncoderReranker.MODEL_SETTING, "/x.onnx")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CrossEncoderReranker.TOKENIZER_SETTING);
    assertThatThrownBy(
            () ->
                CrossEncoderReranker.fromSettings(
                    Map.of(
                        CrossEncoderReranker.MODEL_SETTING,
                        dir.resolve("absent.onnx").toString(),
                        CrossEncoderReranker.TOKENIZER_SETTING,
                        tokenizerFile.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent.onnx");
  }
}
