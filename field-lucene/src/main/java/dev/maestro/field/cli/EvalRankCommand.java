package dev.maestro.field.cli;

import dev.maestro.core.json.Json;
import dev.maestro.field.Beir;
import dev.maestro.field.eval.RankMetrics;
import dev.maestro.field.eval.TrecRun;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maestro eval-rank}: nDCG@10 and Recall@100 of a TREC run against BEIR qrels. */
@Command(
    name = "eval-rank",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a TREC run against BEIR qrels (TSV with header query-id corpus-id score): mean"
          + " nDCG@10 and Recall@100 over the queries with at least one relevant judgment (a"
          + " judged query missing from the run scores 0), as trec_eval computes them.",
      "Exit codes: 0 done; 2 invalid input."
    })
public final class EvalRankCommand implements Callable<Integer> {

  @Option(names = "--run", required = true, paramLabel = "FILE", description = "The TREC run.")
  Path run;

  @Option(names = "--qrels", required = true, paramLabel = "FILE", description = "The qrels TSV.")
  Path qrels;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  /** For picocli. */
  public EvalRankCommand() {}

  @Override
  public Integer call() {
    var r = Cli.guard(() -> TrecRun.read(run));
    var q = r == null ? null : Cli.guard(() -> Beir.readQrels(qrels));
    if (q == null) return 2;
    RankMetrics.Summary s = RankMetrics.evaluate(r, q);
    if (json) {
      var m = new LinkedHashMap<String, Object>();
      m.put("queries", s.queries());
      m.put("missing_from_run", s.missingFromRun());
      m.put("ndcg@10", round(s.ndcgAt10()));
      m.put("recall@100", round(s.recallAt100()));
      System.out.println(Json.write(m));
    } else {
      System.out.printf(
          "queries %d (missing from run %d)%nnDCG@10    %.4f%nRecall@100 %.4f%n",
          s.queries(), s.missingFromRun(), s.ndcgAt10(), s.recallAt100());
    }
    return 0;
  }

  private static double round(double x) {
    return Math.round(x * 10000) / 10000.0;
  }
}
