package dev.maestro.core.brief;

import java.util.List;
import java.util.Objects;

/**
 * One statement of an evidence brief and the field items it rests on. A claim without a citation is
 * never part of a brief.
 *
 * @param text the statement, without its citation markers
 * @param citations the ids of the field items it cites, at least one, in citation order
 */
public record Claim(String text, List<String> citations) {

  public Claim {
    Objects.requireNonNull(text, "text");
    citations = List.copyOf(citations);
    if (text.isBlank()) throw new IllegalArgumentException("a claim needs text");
    if (citations.isEmpty()) throw new IllegalArgumentException("a claim needs a citation");
  }
}
