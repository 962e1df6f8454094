package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import java.util.List;
import java.util.Objects;

/**
 * Combines the working states of a merge's sources into the working state of the child. Pure: the
 * same sources in the same order give the same state (no clock, randomness or I/O), so a merge can
 * be retried and replayed.
 */
public interface MergeFunction {

  /** One source of a merge: its id and its working state at the merge. */
  record Source(ContinuationId id, JsonNode workingState) {
    public Source {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(workingState, "workingState");
    }
  }

  /** The name a merge request selects this function by. */
  String name();

  /** The child's working state (a JSON object) from the sources, in the request's order. */
  ObjectNode merge(List<Source> sources);
}
