package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShippedCorpusTest {

  @Test
  void the_shipped_corpus_holds_fourteen_licence_texts_with_provenance() {
    List<Document> docs = ShippedCorpus.documents();
    assertThat(docs).hasSize(14);
    assertThat(docs)
        .extracting(Document::id)
        .contains("GPL-3.txt", "Apache-2.0.txt", "CC0-1.0.txt");
    assertThat(docs).allSatisfy(d -> assertThat(d.source()).startsWith("classpath:"));
    assertThat(docs).allSatisfy(d -> assertThat(d.text()).hasSizeGreaterThan(1000));
  }

  @Test
  void its_chunks_are_many_enough_for_a_demo() {
    int chunks =
        ShippedCorpus.documents().stream().mapToInt(d -> Chunker.DEFAULT.chunk(d).size()).sum();
    assertThat(chunks).isGreaterThan(100);
  }
}
