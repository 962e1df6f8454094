package dev.maestro.core.field;

import java.util.List;
import java.util.Objects;

/**
 * One item of an assembled context field, in the order the field presents it.
 *
 * @param rank its position, from 1
 * @param id the candidate's id
 * @param channel the kind of channel that proposed it (the first, when several did)
 * @param text the text that enters the context
 * @param tokens its size in tokens
 * @param score its final score (relevance minus the redundancy penalty)
 * @param breakdown how the score was made
 * @param provenance every source it was found under
 */
public record FieldItem(
    int rank,
    String id,
    Channel channel,
    String text,
    int tokens,
    double score,
    ScoreBreakdown breakdown,
    List<Provenance> provenance) {

  public FieldItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(breakdown, "breakdown");
    provenance = List.copyOf(provenance);
    if (rank < 1 || tokens < 0) throw new IllegalArgumentException("rank >= 1, tokens >= 0");
  }
}
