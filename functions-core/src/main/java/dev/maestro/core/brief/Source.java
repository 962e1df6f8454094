package dev.maestro.core.brief;

import java.util.List;
import java.util.Objects;

/**
 * A field item a brief cites: its id in the context field, the text the model saw, and where it
 * came from.
 *
 * @param id the field item's id
 * @param text the text shown to the model
 * @param provenance every {@code source:uri} the item was found under
 */
public record Source(String id, String text, List<String> provenance) {

  public Source {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    provenance = List.copyOf(provenance);
  }
}
