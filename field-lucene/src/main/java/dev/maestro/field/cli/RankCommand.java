package dev.maestro.field.cli;

import dev.maestro.field.Beir;
import dev.maestro.field.Document;
import dev.maestro.field.Embedder;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.Fusion;
import dev.maestro.field.IngestReport;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.eval.DocumentRanker;
import dev.maestro.field.eval.TrecRun;
import dev.maestro.field.rerank.LearnedReranker;
import dev.maestro.field.rerank.Reranker;
import dev.maestro.field.rerank.RerankingRanker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maestro rank}: a BEIR corpus ingested and its queries ranked into a TREC run. */
@Command(
    name = "rank",
    mixinStandardHelpOptions = true,
    description = {
      "Ingests a BEIR corpus (incrementally, into --index when given, else a temporary folder),"
          + " ranks every query's documents by their best chunk and writes a TREC run"
          + " (qid Q0 docid rank score tag).",
      "Exit codes: 0 done; 2 invalid arguments or input."
    })
public final class RankCommand implements Callable<Integer> {

  /** The stage-2 mode's name. */
  static final String RERANK = "hybrid+rerank";

  @Option(
      names = "--corpus",
      required = true,
      paramLabel = "FILE",
      description = "corpus.jsonl ({_id, title, text}).")
  Path corpus;

  @Option(
      names = "--queries",
      required = true,
      paramLabel = "FILE",
      description = "queries.jsonl ({_id, text}).")
  Path queries;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The TREC run to write.")
  Path out;

  @Option(
      names = "--mode",
      defaultValue = "hybrid",
      paramLabel = "bm25|dense|hybrid|hybrid+rerank",
      description =
          "The retrieval channel(s); hybrid+rerank reranks the top --rerank-top hybrid chunks"
              + " with --reranker. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(
      names = "--reranker",
      paramLabel = "DIR",
      description =
          "A trained reranker (rerank-manifest.json + rerank.onnx, from maestro train-reranker);"
              + " required by --mode hybrid+rerank.")
  Path reranker;

  @Option(
      names = "--rerank-top",
      defaultValue = "200",
      paramLabel = "N",
      description = "Hybrid chunks reranked per query. Default: ${DEFAULT-VALUE}.")
  int rerankTop;

  @Option(
      names = "--fusion",
      paramLabel = "rrf[:K]|minmax[:ALPHA]",
      description = "How hybrid fuses BM25 and dense (default: the index's default, minmax:0.5).")
  String fusion;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description = "Keep the index here and reuse it (re-runs embed nothing new).")
  Path index;

  @Option(
      names = "--top",
      defaultValue = "100",
      paramLabel = "N",
      description = "Documents per query. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(
      names = "--tag",
      defaultValue = "maestro",
      paramLabel = "TAG",
      description = "The run tag.")
  String tag;

  /** For picocli. */
  public RankCommand() {}

  @Override
  public Integer call() throws IOException {
    DocumentRanker.Mode m;
    Fusion f;
    boolean rerank = RERANK.equalsIgnoreCase(mode.trim());
    try {
      m = rerank ? DocumentRanker.Mode.HYBRID : DocumentRanker.Mode.parse(mode);
      f = fusion == null ? Fusion.DEFAULT : Fusion.parse(fusion);
      if (top < 1) throw new IllegalArgumentException("--top must be >= 1");
      if (rerank && reranker == null)
        throw new IllegalArgumentException("--mode hybrid+rerank needs --reranker DIR");
      if (!rerank && reranker != null)
        throw new IllegalArgumentException("--reranker applies to --mode hybrid+rerank only");
      if (rerankTop < 1) throw new IllegalArgumentException("--rerank-top must be >= 1");
    } catch (IllegalArgumentException e) {
      System.err.println("invalid argument: " + e.getMessage());
      return 2;
    }
    List<Document> docs = Cli.guard(() -> Beir.readCorpus(corpus));
    Map<String, String> qs = docs == null ? null : Cli.guard(() -> Beir.readQueries(queries));
    if (qs == null) return 2;
    Path dir = index != null ? Cli.mkdirs(index) : Files.createTempDirectory("maestro-rank-");
    try (MiniLmEmbedder embedder = Cli.embedder();
        FieldIndex field = FieldIndex.open(dir, embedder);
        Reranker stage2 = rerank ? loadReranker(field) : null) {
      if (rerank && stage2 == null) return 2;
      IngestReport r = field.ingest(docs, true, System.err);
      System.err.printf(
          "rank: %d documents (%d embedded, %d chunks) in %.1f s; corpus version %s%n",
          docs.size(),
          r.documentsEmbedded(),
          r.chunksEmbedded(),
          r.millis() / 1000.0,
          r.corpusVersion().substring(0, 12));
      long t0 = System.nanoTime();
      var ranker = new DocumentRanker(field, m, f, 3);
      var reranking = rerank ? new RerankingRanker(field, f, stage2, rerankTop, 3) : null;
      List<String> ids = new ArrayList<>(qs.keySet());
      List<float[]> vectors = ranker.needsVector() ? embed(embedder, qs) : null;
      Map<String, List<TrecRun.Entry>> run = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        String q = qs.get(ids.get(i));
        float[] v = vectors == null ? null : vectors.get(i);
        run.put(ids.get(i), rerank ? reranking.rank(q, v, top) : ranker.rank(q, v, top));
      }
      TrecRun.write(out, run, tag);
      double secs = (System.nanoTime() - t0) / 1e9;
      System.err.printf(
          "rank: %d queries (%s%s) in %.1f s (%.1f ms/query) -> %s%n",
          ids.size(),
          rerank ? RERANK : m.name().toLowerCase(java.util.Locale.ROOT),
          (m == DocumentRanker.Mode.HYBRID ? ", " + f : "")
              + (rerank ? ", top " + rerankTop + " reranked" : ""),
          secs,
          secs * 1000 / Math.max(1, ids.size()),
          out);
      return 0;
    } finally {
      if (index == null) deleteTree(dir);
    }
  }

  private Reranker loadReranker(FieldIndex field) {
    Reranker r = Cli.guard(() -> LearnedReranker.load(reranker, field::documentChunks));
    if (r != null) System.err.println("rank: " + r.name() + " loaded from " + reranker);
    return r;
  }

  private static List<float[]> embed(Embedder embedder, Map<String, String> qs) {
    return embedder.embed(new ArrayList<>(qs.values()));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
