package dev.maestro.field.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.field.Candidate;
import dev.maestro.field.eval.TrecRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents by best reranked chunk, and the manifest's refusals. */
class RerankerTest {

  @TempDir Path dir;

  private static Candidate c(String doc, int n, double score) {
    return new Candidate(doc + "#" + n, doc, n, score, score, Double.NaN, "", "", "", "");
  }

  /** Scores a chunk by a fixed table. */
  private static Reranker table(Map<String, Double> scores) {
    return new Reranker() {
      @Override
      public List<Candidate> rerank(String query, List<Candidate> candidates) {
        double[] s = new double[candidates.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(candidates.get(i).chunkId());
        return LearnedReranker.reorder(candidates, s);
      }

      @Override
      public String name() {
        return "table";
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void givenAPool_whenReranked_thenDocumentsFollowTheirBestRerankedChunkThenTheHybridTail() {
    var pool =
        List.of(c("a", 0, 0.9), c("b", 0, 0.8), c("a", 1, 0.7), c("c", 0, 0.6), c("d", 0, 0.5));
    var reranker = table(Map.of("a#0", 0.1, "b#0", 0.3, "a#1", 0.6));
    List<TrecRun.Entry> run = RerankingRanker.rank("q", pool, 3, reranker, 10);
    assertThat(run).extracting(TrecRun.Entry::docId).containsExactly("a", "b", "c", "d");
    assertThat(run.get(0).score()).isEqualTo(0.6);
    for (int i = 1; i < run.size(); i++)
      assertThat(run.get(i).score()).isLessThan(run.get(i - 1).score());
    assertThat(RerankingRanker.rank("q", pool, 3, reranker, 1)).hasSize(1);

    List<Candidate> reordered = reranker.rerank("q", pool.subList(0, 3));
    assertThat(reordered).extracting(Candidate::chunkId).containsExactly("a#1", "b#0", "a#0");
    assertThat(reordered.getFirst().rerank()).isEqualTo(0.6);
    assertThat(reordered.getFirst().score()).isEqualTo(0.7);
    assertThat(pool.getFirst().rerank()).isNaN();
  }

  @Test
  void givenRerankModeWithoutAReranker_whenRankRuns_thenItIsAnArgumentError() {
    var err = new java.io.ByteArrayOutputStream();
    var old = System.err;
    int rc, rc2;
    try {
      System.setErr(new java.io.PrintStream(err, true));
      String[] common = {"--corpus", "c.jsonl", "--queries", "q.jsonl", "--out", "o.trec"};
      rc =
          new picocli.CommandLine(new dev.maestro.field.cli.RankCommand())
              .execute(concat(common, "--mode", "hybrid+rerank"));
      rc2 =
          new picocli.CommandLine(new dev.maestro.field.cli.RankCommand())
              .execute(concat(common, "--mode", "hybrid", "--reranker", dir.toString()));
    } finally {
      System.setErr(old);
    }
    assertThat(rc).isEqualTo(2);
    assertThat(rc2).isEqualTo(2);
    assertThat(err.toString()).contains("--mode hybrid+rerank needs --reranker DIR");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void givenNoManifest_whenLoaded_thenTheErrorSaysHowToTrainOne() {
    assertThatThrownBy(() -> LearnedReranker.load(dir, id -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(RerankManifest.FILE)
        .hasMessageContaining("train-reranker");
  }

  @Test
  void givenAnotherFeatureVersion_whenLoaded_thenRefused() {
    new RerankManifest(
            RerankManifest.FORMAT,
            RerankFeatures.VERSION + 1,
            RerankFeatures.NAMES,
            RerankManifest.MODEL,
            "binary:logistic",
            Map.of())
        .write(dir, new byte[] {1});
    assertThatThrownBy(() -> LearnedReranker.load(dir, id -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features v" + (RerankFeatures.VERSION + 1))
        .hasMessageContaining("retrain");
  }

  @Test
  void givenOtherFeatureNames_whenLoaded_thenRefused() throws Exception {
    List<String> names = new ArrayList<>(RerankFeatures.NAMES);
    names.set(0, "bm25_raw");
    new RerankManifest(
            RerankManifest.FORMAT,
            RerankFeatures.VERSION,
            names,
            RerankManifest.MODEL,
            "binary:logistic",
            Map.of())
        .write(dir, new byte[] {1});
    assertThat(RerankManifest.read(dir).features()).isEqualTo(names);
    assertThatThrownBy(() -> LearnedReranker.load(dir, id -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bm25_raw");
  }

  @Test
  void givenACompatibleManifestAndABrokenModel_whenLoaded_thenTheModelIsRefused() throws Exception {
    RerankManifest.current("binary:logistic", Map.of("seed", 7)).write(dir, new byte[] {1, 2});
    assertThat(Files.exists(dir.resolve(RerankManifest.MODEL))).isTrue();
    assertThat(RerankManifest.read(dir).training()).containsEntry("seed", 7);
    assertThatThrownBy(() -> LearnedReranker.load(dir, id -> 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
