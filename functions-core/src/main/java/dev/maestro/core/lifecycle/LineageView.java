package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.Status;
import java.util.List;
import java.util.Objects;

/**
 * A continuation's family, as {@code GET /continuations/{id}/lineage} returns it: its ancestors up
 * to the root(s), nearest first; its siblings (the other children of its parents); and its
 * descendants, breadth first, at most the requested limit ({@code descendantsTruncated} says that
 * more exist).
 */
public record LineageView(
    Node continuation,
    List<Node> ancestors,
    List<Node> siblings,
    List<Node> descendants,
    boolean descendantsTruncated) {

  public LineageView {
    Objects.requireNonNull(continuation, "continuation");
    ancestors = List.copyOf(ancestors);
    siblings = List.copyOf(siblings);
    descendants = List.copyOf(descendants);
  }

  /**
   * One continuation of the family and the edge it was created by: {@code root} (no parents),
   * {@code fork} (from one parent's event {@code from[0].atSequence}) or {@code merge} (from each
   * source's event in {@code from}); {@code depth} counts the edges walked from the queried
   * continuation (0 for itself and its siblings).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(
      ContinuationId id,
      Status status,
      String edge,
      List<ForkPoint> from,
      String mergeFunction,
      int depth) {
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(edge, "edge");
      from = List.copyOf(from);
    }
  }
}
