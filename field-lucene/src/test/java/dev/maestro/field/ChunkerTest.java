package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  private static Document doc(String text) {
    return new Document("d", "", text, "test");
  }

  private static int words(String s) {
    return s.isBlank() ? 0 : s.trim().split("\\s+").length;
  }

  @Test
  void a_short_text_is_one_chunk_with_id_docId_0() {
    List<Chunk> chunks = Chunker.DEFAULT.chunk(doc("One sentence. Another one."));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.getFirst().id()).isEqualTo("d#0");
    assertThat(chunks.getFirst().text()).isEqualTo("One sentence. Another one.");
  }

  @Test
  void a_blank_text_has_no_chunks() {
    assertThat(Chunker.DEFAULT.chunk(doc("  \n\n  "))).isEmpty();
  }

  @Test
  void chunks_end_at_sentence_boundaries_and_stay_within_budget() {
    String text = "Alpha beta gamma delta. ".repeat(30);
    var chunker = new Chunker(20, 4);
    List<Chunk> chunks = chunker.chunk(doc(text));
    assertThat(chunks).hasSizeGreaterThan(5);
    for (Chunk c : chunks) {
      assertThat(words(c.text())).isLessThanOrEqualTo(20);
      assertThat(c.text()).endsWith(".");
    }
    assertThat(chunks).extracting(Chunk::id).startsWith("d#0", "d#1", "d#2");
  }

  @Test
  void consecutive_chunks_overlap_by_whole_sentences() {
    String text = "Alpha beta gamma delta. ".repeat(30);
    List<Chunk> chunks = new Chunker(20, 4).chunk(doc(text));
    assertThat(chunks.get(1).start()).isLessThan(chunks.get(0).end());
    assertThat(text.substring(chunks.get(1).start(), chunks.get(0).end()))
        .isEqualTo("Alpha beta gamma delta.");
  }

  @Test
  void a_chunk_does_not_cross_a_paragraph_once_half_full() {
    String p1 = "First paragraph has a sentence with several words in it. And one more here.";
    String p2 = "Second paragraph starts here and goes on.";
    List<Chunk> chunks = new Chunker(24, 0).chunk(doc(p1 + "\n\n" + p2));
    assertThat(chunks).extracting(Chunk::text).containsExactly(p1, p2);
  }

  @Test
  void an_overlong_sentence_is_cut_into_word_windows() {
    String text = "word ".repeat(50).trim();
    List<Chunk> chunks = new Chunker(16, 0).chunk(doc(text));
    assertThat(chunks).extracting(c -> words(c.text())).containsExactly(16, 16, 16, 2);
  }

  @Test
  void settings_are_validated() {
    assertThatThrownBy(() -> new Chunker(4, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Chunker(20, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void every_non_whitespace_character_lies_in_some_chunk_and_chunking_is_deterministic(
      @ForAll @StringLength(max = 600) String raw,
      @ForAll @IntRange(min = 8, max = 40) int max,
      @ForAll @IntRange(min = 0, max = 3) int overlap) {
    // Sprinkle sentence and paragraph breaks into arbitrary text.
    String text = raw.replace('a', '.').replace('b', ' ').replace('c', '\n');
    var chunker = new Chunker(max, overlap);
    List<Chunk> chunks = chunker.chunk(doc(text));
    boolean[] covered = new boolean[text.length()];
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      assertThat(c.n()).isEqualTo(i);
      assertThat(c.text()).isEqualTo(text.substring(c.start(), c.end()));
      if (i > 0) assertThat(c.start()).isGreaterThan(chunks.get(i - 1).start());
      for (int j = c.start(); j < c.end(); j++) covered[j] = true;
    }
    for (int j = 0; j < text.length(); j++)
      if (!Character.isWhitespace(text.charAt(j)))
        assertThat(covered[j]).as("character %d of %s", j, text).isTrue();
    assertThat(chunker.chunk(doc(text))).isEqualTo(chunks);
  }
}
