package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.field.eval.TrecRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirAndTrecTest {

  @TempDir Path dir;

  @Test
  void reads_a_beir_corpus_queries_and_qrels() throws Exception {
    Path corpus = dir.resolve("corpus.jsonl");
    Files.writeString(
        corpus,
        """
        {"_id": "d1", "title": "T1", "text": "Body one.", "metadata": {}}

        {"_id": "d2", "text": "Body two."}
        """);
    Path queries = dir.resolve("queries.jsonl");
    Files.writeString(queries, "{\"_id\": \"q1\", \"text\": \"what\"}\n");
    Path qrels = dir.resolve("qrels.tsv");
    Files.writeString(qrels, "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t2\n");

    List<Document> docs = Beir.readCorpus(corpus);
    assertThat(docs).extracting(Document::id).containsExactly("d1", "d2");
    assertThat(docs.getFirst().title()).isEqualTo("T1");
    assertThat(docs.get(1).title()).isEmpty();
    assertThat(docs.get(1).source()).isEqualTo("corpus.jsonl:3");
    assertThat(Beir.readQueries(queries)).containsExactly(Map.entry("q1", "what"));
    assertThat(Beir.readQrels(qrels)).isEqualTo(Map.of("q1", Map.of("d1", 1, "d2", 2)));
  }

  @Test
  void a_corpus_line_without_an_id_is_rejected_with_its_line() throws Exception {
    Path corpus = dir.resolve("bad.jsonl");
    Files.writeString(corpus, "{\"_id\": \"d1\"}\n{\"text\": \"x\"}\n");
    assertThatThrownBy(() -> Beir.readCorpus(corpus))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.jsonl:2");
  }

  @Test
  void reads_a_folder_of_text_and_markdown_files_sorted_by_path() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("b.md"), "# Bee\n\nText b.");
    Files.writeString(dir.resolve("sub/a.txt"), "Ay\nText a.");
    Files.writeString(dir.resolve("skip.json"), "{}");
    List<Document> docs = Beir.readDocuments(dir);
    assertThat(docs).extracting(Document::id).containsExactly("b.md", "sub/a.txt");
    assertThat(docs).extracting(Document::title).containsExactly("# Bee", "Ay");
  }

  @Test
  void a_trec_run_round_trips() {
    Path file = dir.resolve("run.trec");
    var run =
        Map.of("q1", List.of(new TrecRun.Entry("d2", 1, 2.5), new TrecRun.Entry("d1", 2, 1.0)));
    TrecRun.write(file, run, "tag");
    assertThat(TrecRun.read(file)).isEqualTo(run);
  }

  @Test
  void a_trec_line_has_six_columns() throws Exception {
    Path file = dir.resolve("run.trec");
    TrecRun.write(file, Map.of("q1", List.of(new TrecRun.Entry("d1", 1, 0.5))), "maestro");
    assertThat(Files.readString(file)).isEqualTo("q1 Q0 d1 1 0.5 maestro\n");
  }
}
