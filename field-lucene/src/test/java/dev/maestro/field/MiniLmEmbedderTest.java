package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {

  private static final Embedder EMBEDDER = TestEmbedder.get();

  @Test
  void embeddings_have_384_unit_length_dimensions() {
    float[] v = EMBEDDER.embed("The licence grants permission to copy the software.");
    assertThat(v).hasSize(384);
    assertThat(Embedder.cosine(v, v)).isCloseTo(1.0, within(1e-5));
    double norm = 0;
    for (float x : v) norm += x * x;
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void the_same_text_gives_the_same_vector() {
    String text = "Aspirin lowers the risk of heart attacks.";
    assertThat(EMBEDDER.embed(text)).containsExactly(EMBEDDER.embed(text));
  }

  @Test
  void batching_does_not_change_a_text_beyond_quantisation_noise() {
    String text = "Vitamin D supplements reduce fractures in older adults.";
    float[] alone = EMBEDDER.embed(text);
    List<float[]> batch =
        EMBEDDER.embed(
            List.of(
                "A much longer sentence about something else entirely, so that padding applies to"
                    + " the short one in the same batch of inputs.",
                text,
                "Short."));
    assertThat(Embedder.cosine(alone, batch.get(1))).isGreaterThan(0.99);
  }

  @Test
  void paraphrases_are_closer_than_unrelated_sentences() {
    float[] a = EMBEDDER.embed("You may redistribute copies of the program.");
    float[] paraphrase = EMBEDDER.embed("Copies of the software can be given to others.");
    float[] unrelated = EMBEDDER.embed("The cat slept on the warm windowsill all afternoon.");
    assertThat(Embedder.cosine(a, paraphrase)).isGreaterThan(Embedder.cosine(a, unrelated) + 0.2);
  }

  @Test
  void an_empty_batch_gives_no_vectors() {
    assertThat(EMBEDDER.embed(List.of())).isEmpty();
  }
}
