package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldIndexTest {

  private static final List<Document> DOCS =
      List.of(
          new Document(
              "warranty",
              "No warranty",
              "The program is provided as is, without warranty of any kind. The entire risk as to"
                  + " the quality and performance of the program is with you.",
              "test"),
          new Document(
              "copies",
              "Distribution",
              "You may convey verbatim copies of the program's source code as you receive it, in"
                  + " any medium, provided that you publish an appropriate copyright notice.",
              "test"),
          new Document(
              "cats",
              "Cats",
              "Domestic cats sleep for most of the day and hunt small rodents at night.",
              "test"),
          new Document(
              "zebrafish",
              "Regeneration",
              "Zebrafish regrow damaged heart tissue through cardiomyocyte proliferation.",
              "test"));

  @TempDir Path dir;
  private final Embedder embedder = new CountingEmbedder(TestEmbedder.get());
  private FieldIndex index;

  @BeforeEach
  void open() {
    index = FieldIndex.open(dir, embedder);
    index.ingest(DOCS, false, null);
  }

  @AfterEach
  void close() {
    index.close();
  }

  private int embedded() {
    return ((CountingEmbedder) embedder).texts;
  }

  @Test
  void bm25_finds_an_exact_rare_term() {
    List<Candidate> hits = index.bm25("cardiomyocyte", 3);
    assertThat(hits).isNotEmpty();
    Candidate top = hits.getFirst();
    assertThat(top.docId()).isEqualTo("zebrafish");
    assertThat(top.chunkId()).isEqualTo("zebrafish#0");
    assertThat(top.bm25()).isPositive();
    assertThat(top.cosine()).isNaN();
    assertThat(top.title()).isEqualTo("Regeneration");
    assertThat(top.source()).isEqualTo("test");
    assertThat(top.contentHash()).isEqualTo(DOCS.get(3).contentHash());
  }

  @Test
  void dense_finds_a_paraphrase_that_shares_no_terms() {
    List<Candidate> hits = index.dense("felines nap during daylight", 2);
    assertThat(hits.getFirst().docId()).isEqualTo("cats");
    assertThat(hits.getFirst().cosine()).isBetween(0.0, 1.0);
    assertThat(index.bm25("felines nap during daylight", 2)).isEmpty();
  }

  @Test
  void hybrid_fuses_both_channels_and_keeps_both_scores() {
    for (Fusion f : List.of(Fusion.rrf(60), Fusion.minMax(0.5))) {
      List<Candidate> hits = index.hybrid("risk of the program without warranty", 4, f);
      assertThat(hits.getFirst().docId()).as(f.toString()).isEqualTo("warranty");
      assertThat(hits.getFirst().bm25()).isPositive();
      assertThat(hits.getFirst().cosine()).isPositive();
      assertThat(hits).extracting(Candidate::chunkId).doesNotHaveDuplicates();
    }
  }

  @Test
  void reingesting_unchanged_documents_embeds_nothing_and_keeps_the_version() {
    String version = index.corpusVersion();
    int before = embedded();
    IngestReport r = index.ingest(DOCS, false, null);
    assertThat(r.unchanged()).isEqualTo(DOCS.size());
    assertThat(r.documentsEmbedded()).isZero();
    assertThat(embedded()).isEqualTo(before);
    assertThat(r.corpusVersion()).isEqualTo(version);
    assertThat(index.chunkCount()).isEqualTo(DOCS.size());
  }

  @Test
  void a_changed_document_is_replaced_and_the_version_changes() {
    String version = index.corpusVersion();
    List<Document> docs = new ArrayList<>(DOCS);
    docs.set(2, new Document("cats", "Cats", "Cats purr when content.", "test"));
    IngestReport r = index.ingest(docs, false, null);
    assertThat(r.changed()).isEqualTo(1);
    assertThat(r.unchanged()).isEqualTo(3);
    assertThat(r.chunksEmbedded()).isEqualTo(1);
    assertThat(r.corpusVersion()).isNotEqualTo(version);
    assertThat(index.chunkCount()).isEqualTo(DOCS.size());
    assertThat(index.bm25("rodents", 5)).isEmpty();
    assertThat(index.bm25("purr", 5)).extracting(Candidate::docId).containsExactly("cats");
  }

  @Test
  void a_changed_source_alone_is_not_a_content_change() {
    String version = index.corpusVersion();
    List<Document> docs = new ArrayList<>(DOCS);
    Document d = DOCS.get(0);
    docs.set(0, new Document(d.id(), d.title(), d.text(), "elsewhere"));
    assertThat(index.ingest(docs, false, null).corpusVersion()).isEqualTo(version);
  }

  @Test
  void missing_documents_are_deleted_only_when_asked() {
    List<Document> three = DOCS.subList(0, 3);
    assertThat(index.ingest(three, false, null).deleted()).isZero();
    assertThat(index.bm25("zebrafish", 5)).isNotEmpty();
    IngestReport r = index.ingest(three, true, null);
    assertThat(r.deleted()).isEqualTo(1);
    assertThat(index.bm25("zebrafish", 5)).isEmpty();
    assertThat(r.corpusVersion()).isEqualTo(FieldIndex.versionOf(hashes(three)));
  }

  @Test
  void the_corpus_version_depends_on_content_not_on_ingest_order() {
    List<Document> reversed = new ArrayList<>(DOCS);
    java.util.Collections.reverse(reversed);
    try (FieldIndex other = FieldIndex.open(dir.resolve("other"), embedder)) {
      assertThat(other.ingest(reversed, false, null).corpusVersion())
          .isEqualTo(index.corpusVersion());
    }
  }

  @Test
  void the_index_and_its_version_survive_reopening() {
    String version = index.corpusVersion();
    index.close();
    index = FieldIndex.open(dir, embedder);
    assertThat(index.corpusVersion()).isEqualTo(version);
    assertThat(index.ingest(DOCS, false, null).documentsEmbedded()).isZero();
  }

  @Test
  void a_title_only_document_is_indexed_and_reingested_without_embedding() {
    var titleOnly = new Document("t", "Mitochondrial uncoupling in brown fat", "", "test");
    assertThat(index.ingest(List.of(titleOnly), false, null).chunksEmbedded()).isEqualTo(1);
    assertThat(index.bm25("mitochondrial", 3))
        .extracting(Candidate::chunkId)
        .containsExactly("t#0");
    assertThat(index.ingest(List.of(titleOnly), false, null).documentsEmbedded()).isZero();
  }

  private static java.util.Map<String, String> hashes(List<Document> docs) {
    var m = new java.util.TreeMap<String, String>();
    for (Document d : docs) m.put(d.id(), d.contentHash());
    return m;
  }

  /** Counts the texts it embeds. */
  static final class CountingEmbedder implements Embedder {
    private final Embedder inner;
    int texts;

    CountingEmbedder(Embedder inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public synchronized List<float[]> embed(List<String> batch) {
      texts += batch.size();
      return inner.embed(batch);
    }
  }
}
