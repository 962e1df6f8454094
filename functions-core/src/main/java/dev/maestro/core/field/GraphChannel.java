package dev.maestro.core.field;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The graph recall channel (BRIEF §10): what the continuation's relatives found. The relatives are
 * its parents and the sources it merged (from {@link Continuation#lineage()} and its own {@code
 * merge} events), then its children (from the lineage and its own {@code fork} events), in that
 * order, at most {@code maxRelated} of them. Each is read through {@link ContinuationService} as
 * the query's tenant, so another tenant's continuation is never read (it is not found, and
 * skipped); of each, the last {@code maxEventsEach} events are read and every {@code publish} and
 * {@code complete} event whose content shares a word with the goal frame is proposed, as {@code
 * <parent|child> <id> published to <tag>: <content>} or {@code ... completed with <result>}.
 * Candidates are ordered by the lexical {@code cosine} feature, then the most recent; provenance is
 * {@code (lineage, <other continuation>#<sequence>)} with the event's timestamp and trust 0.8.
 */
public final class GraphChannel implements RecallChannel {

  /** The channel's name. */
  public static final String NAME = "graph";

  /** The provenance source of every candidate. */
  public static final String SOURCE = "lineage";

  /** The trust of every candidate: a relative's findings, not the continuation's own. */
  public static final double TRUST = 0.8;

  /** How many relatives are read, by default. */
  public static final int DEFAULT_MAX_RELATED = 16;

  /** How many of each relative's most recent events are read, by default. */
  public static final int DEFAULT_MAX_EVENTS_EACH = 500;

  /** How many of the continuation's own most recent events are read for fork and merge edges. */
  public static final int MAX_SCAN = EpisodicChannel.MAX_SCAN;

  private static final String SUBJECT = "field:graph";

  private final ContinuationService continuations;
  private final int maxRelated;
  private final int maxEventsEach;

  /** A channel reading through {@code continuations} with the default bounds. */
  public GraphChannel(ContinuationService continuations) {
    this(continuations, DEFAULT_MAX_RELATED, DEFAULT_MAX_EVENTS_EACH);
  }

  /**
   * A channel reading through {@code continuations} at most {@code maxRelated} relatives and the
   * last {@code maxEventsEach} events of each (both at least 1).
   */
  public GraphChannel(ContinuationService continuations, int maxRelated, int maxEventsEach) {
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    if (maxRelated < 1) throw new IllegalArgumentException("maxRelated must be >= 1");
    if (maxEventsEach < 1) throw new IllegalArgumentException("maxEventsEach must be >= 1");
    this.maxRelated = maxRelated;
    this.maxEventsEach = maxEventsEach;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Channel kind() {
    return Channel.GRAPH;
  }

  @Override
  public List<FieldCandidate> recall(FieldQuery query, int limit) {
    Map<String, Integer> goal = EventRecall.counts(query.goalFrame());
    if (goal.isEmpty()) return List.of();
    Principal reader = EventRecall.reader(query, SUBJECT);
    var scored = new ArrayList<FieldCandidate>();
    for (var relative : relatives(reader, query).entrySet()) {
      if (Thread.currentThread().isInterrupted()) break;
      Continuation other;
      try {
        other = continuations.get(reader, relative.getKey()).continuation();
      } catch (NotFoundException e) {
        continue; // gone, or another tenant's: an edge this tenant cannot follow
      }
      String relation = relative.getValue() + " " + other.id().value() + " ";
      EventRecall.scan(
          continuations,
          reader,
          other.id(),
          other.lastSequence(),
          maxEventsEach,
          query.at(),
          e -> EventRecall.propose((ev, g) -> candidate(relation, ev, g), e, goal, scored));
    }
    scored.sort(EventRecall.BEST_FIRST);
    return EventRecall.first(scored, limit);
  }

  /** The relatives to read, in order (parents and merge sources, then children), by relation. */
  private Map<ContinuationId, String> relatives(Principal reader, FieldQuery query) {
    ContinuationId self = query.continuationId();
    Continuation own = continuations.get(reader, self).continuation();
    var parents = new ArrayList<>(own.lineage().parents());
    var children = new ArrayList<>(own.lineage().children());
    EventRecall.scan(
        continuations,
        reader,
        self,
        own.lastSequence(),
        MAX_SCAN,
        query.at(),
        e -> {
          switch (e.payload()) {
            // In a source's log a merge names the merged child (a child of this one); an older
            // merge record without one names only the sources.
            case EventPayload.Merged m -> {
              if (m.child() != null) children.add(m.child());
              else parents.addAll(m.sources());
            }
            case EventPayload.Forked f -> children.add(f.child());
            default -> {}
          }
        });
    var related = new LinkedHashMap<ContinuationId, String>();
    for (ContinuationId p : parents) related.putIfAbsent(p, "parent");
    for (ContinuationId c : children) related.putIfAbsent(c, "child");
    related.remove(self);
    var bounded = new LinkedHashMap<ContinuationId, String>();
    for (var r : related.entrySet()) {
      if (bounded.size() == maxRelated) break;
      bounded.put(r.getKey(), r.getValue());
    }
    return bounded;
  }

  private static FieldCandidate candidate(
      String relation, EventEnvelope e, Map<String, Integer> goal) {
    EventRecall.Rendering r =
        switch (e.payload()) {
          case EventPayload.Published p -> EventRecall.published(p);
          case EventPayload.Completed c -> EventRecall.completed(c);
          default -> null;
        };
    if (r == null) return null;
    return EventRecall.candidate(
        e, Channel.GRAPH, SOURCE, relation + r.text(), r.match(), TRUST, goal);
  }
}
