package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.field.cli.EvalRankCommand;
import dev.maestro.field.cli.FieldCommands;
import dev.maestro.field.cli.IngestCommand;
import dev.maestro.field.cli.RankCommand;
import dev.maestro.field.eval.TrecRun;
import dev.maestro.local.cli.CommandProvider;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands end to end on five documents of the shipped corpus, with the hand-written test
 * fixture queries and judgments in {@code fixture/}.
 */
class CommandsTest {

  static final Set<String> SUBSET =
      Set.of("BSD.txt", "CC0-1.0.txt", "Artistic.txt", "Apache-2.0.txt", "MPL-2.0.txt");

  @TempDir static Path dir;
  static Path corpus, queries, qrels, folder;

  @BeforeAll
  static void fixtures() throws Exception {
    List<Document> docs =
        ShippedCorpus.documents().stream().filter(d -> SUBSET.contains(d.id())).toList();
    corpus = dir.resolve("corpus.jsonl");
    Files.writeString(
        corpus,
        docs.stream()
            .map(
                d ->
                    Json.write(
                        java.util.Map.of("_id", d.id(), "title", d.title(), "text", d.text())))
            .collect(Collectors.joining("\n")));
    folder = Files.createDirectories(dir.resolve("docs"));
    for (Document d : docs) Files.writeString(folder.resolve(d.id()), d.text());
    queries = copy("queries.jsonl");
    qrels = copy("qrels.tsv");
  }

  private static Path copy(String name) throws Exception {
    try (InputStream in = CommandsTest.class.getResourceAsStream("fixture/" + name)) {
      Path p = dir.resolve(name);
      Files.write(p, in.readAllBytes());
      return p;
    }
  }

  private static String run(Object command, String... args) {
    PrintStream old = System.out;
    var buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int rc = new CommandLine(command).execute(args);
      assertThat(rc).as("exit code").isZero();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void ingest_is_incremental_across_runs() {
    Path index = dir.resolve("ingest-index");
    JsonNode first =
        Json.tree(
            run(new IngestCommand(), folder.toString(), "--index", index.toString(), "--json"));
    assertThat(first.get("added").asInt()).isEqualTo(5);
    assertThat(first.get("chunksEmbedded").asInt()).isGreaterThan(5);
    JsonNode second =
        Json.tree(
            run(new IngestCommand(), folder.toString(), "--index", index.toString(), "--json"));
    assertThat(second.get("unchanged").asInt()).isEqualTo(5);
    assertThat(second.get("chunksEmbedded").asInt()).isZero();
    assertThat(second.get("corpusVersion").asText()).isEqualTo(first.get("corpusVersion").asText());
  }

  @Test
  void rank_writes_a_trec_run_and_eval_rank_scores_it() {
    Path index = dir.resolve("rank-index");
    for (String mode : List.of("bm25", "dense", "hybrid")) {
      Path out = dir.resolve(mode + ".trec");
      run(
          new RankCommand(),
          "--corpus",
          corpus.toString(),
          "--queries",
          queries.toString(),
          "--out",
          out.toString(),
          "--mode",
          mode,
          "--index",
          index.toString(),
          "--top",
          "3");
      var trec = TrecRun.read(out);
      assertThat(trec.keySet()).containsExactly("q1", "q2", "q3", "q4", "q5");
      assertThat(trec.get("q1")).hasSizeLessThanOrEqualTo(3);
      assertThat(trec.get("q1")).extracting(TrecRun.Entry::rank).startsWith(1);
      JsonNode figures =
          Json.tree(
              run(
                  new EvalRankCommand(),
                  "--run",
                  out.toString(),
                  "--qrels",
                  qrels.toString(),
                  "--json"));
      assertThat(figures.get("queries").asInt()).isEqualTo(5);
      assertThat(figures.get("ndcg@10").asDouble()).as(mode).isGreaterThan(0.6);
      assertThat(figures.get("recall@100").asDouble()).as(mode).isGreaterThan(0.8);
    }
  }

  @Test
  void the_commands_are_registered_as_providers() {
    var names =
        ServiceLoader.load(CommandProvider.class).stream()
            .map(p -> p.get().command())
            .map(c -> new CommandLine(c).getCommandName())
            .toList();
    assertThat(names).contains("ingest", "rank", "eval-rank");
    assertThat(new FieldCommands().command()).isInstanceOf(IngestCommand.class);
  }

  @Test
  void a_missing_corpus_is_an_input_error() {
    int rc =
        new CommandLine(new RankCommand())
            .execute(
                "--corpus",
                "/nonexistent.jsonl",
                "--queries",
                queries.toString(),
                "--out",
                dir.resolve("x").toString());
    assertThat(rc).isEqualTo(2);
  }
}
