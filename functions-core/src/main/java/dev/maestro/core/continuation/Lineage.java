package dev.maestro.core.continuation;

import java.util.List;
import java.util.Objects;

/**
 * Where a continuation sits in its family tree: the continuations it was forked or merged from, the
 * children it spawned, and the root of the tree (itself, for a root).
 */
public record Lineage(
    List<ContinuationId> parents, List<ContinuationId> children, ContinuationId root) {

  public Lineage {
    parents = List.copyOf(parents);
    children = List.copyOf(children);
    Objects.requireNonNull(root, "root");
  }

  /** The lineage of a continuation with no parents. */
  public static Lineage root(ContinuationId self) {
    return new Lineage(List.of(), List.of(), self);
  }

  /** This lineage with {@code child} appended to the children (unchanged if already there). */
  public Lineage withChild(ContinuationId child) {
    if (children.contains(child)) return this;
    var next = new java.util.ArrayList<>(children);
    next.add(child);
    return new Lineage(parents, next, root);
  }
}
