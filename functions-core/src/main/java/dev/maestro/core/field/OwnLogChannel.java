package dev.maestro.core.field;

import dev.maestro.core.lifecycle.ContinuationService;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A channel that recalls from the last {@value EpisodicChannel#MAX_SCAN} events of the query's own
 * continuation, read as {@code field:<name>} of the query's tenant: each event goes through the
 * channel's proposer, and the candidates come back in the channel's order.
 */
abstract class OwnLogChannel implements RecallChannel {

  private final ContinuationService continuations;
  private final String name;
  private final Channel kind;
  private final EventRecall.Proposer proposer;
  private final Comparator<FieldCandidate> order;

  OwnLogChannel(
      ContinuationService continuations,
      String name,
      Channel kind,
      EventRecall.Proposer proposer,
      Comparator<FieldCandidate> order) {
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.name = name;
    this.kind = kind;
    this.proposer = proposer;
    this.order = order;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Channel kind() {
    return kind;
  }

  @Override
  public final List<FieldCandidate> recall(FieldQuery query, int limit) {
    return EventRecall.recallOwnLog(
        continuations, query, "field:" + name, EpisodicChannel.MAX_SCAN, proposer, order, limit);
  }
}
