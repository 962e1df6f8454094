package dev.maestro.core.field;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.wake.WakeKind;
import java.util.Map;

/**
 * The stream recall channel (BRIEF §10): what arrived on the streams the continuation follows. It
 * reads the last {@value EpisodicChannel#MAX_SCAN} events of the continuation (through {@link
 * ContinuationService}, scoped to the query's tenant) and proposes the payload of each {@code wake}
 * event of kind {@code stream} whose channel (topic) or payload shares a word with the goal frame,
 * as {@code stream <channel>: <payload>}. Candidates are ordered by the lexical {@code cosine}
 * feature, then the most recent; provenance is {@code (stream, <continuation>#<sequence>)} with the
 * wake's time (for recency) and trust 0.6 (a feed is less sure than the continuation's own
 * findings).
 */
public final class StreamChannel extends OwnLogChannel {

  /** The channel's name. */
  public static final String NAME = "stream";

  /** The provenance source of every candidate. */
  public static final String SOURCE = "stream";

  /** The trust of every candidate. */
  public static final double TRUST = 0.6;

  /** A channel reading through {@code continuations}. */
  public StreamChannel(ContinuationService continuations) {
    super(continuations, NAME, Channel.STREAM, StreamChannel::candidate, EventRecall.BEST_FIRST);
  }

  private static FieldCandidate candidate(EventEnvelope e, Map<String, Integer> goal) {
    if (!(e.payload() instanceof EventPayload.Woken w) || w.kind() != WakeKind.STREAM) return null;
    return EventRecall.candidate(
        e,
        Channel.STREAM,
        SOURCE,
        "stream " + w.channel() + ": " + EventRecall.text(w.payload()),
        w.channel() + " " + EventRecall.leaves(w.payload()),
        TRUST,
        goal);
  }
}
