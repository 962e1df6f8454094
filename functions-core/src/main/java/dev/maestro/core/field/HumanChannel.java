package dev.maestro.core.field;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import java.util.Comparator;
import java.util.Map;

/**
 * The human recall channel (BRIEF §10): what a person told the continuation. It reads the last
 * {@value EpisodicChannel#MAX_SCAN} events of the continuation (through {@link
 * ContinuationService}, scoped to the query's tenant) and proposes each {@code human_signal} event
 * (approve, redirect, kill) whose kind or body shares a word with the goal frame, as {@code human
 * <kind> by <who>: <body>}. Redirects come first (a person changing course outranks everything they
 * said before), then by the lexical {@code cosine} feature, then the most recent. Provenance is
 * {@code (human-signal, <continuation>#<sequence>)} with the event's timestamp and trust 1.0.
 */
public final class HumanChannel extends OwnLogChannel {

  /** The channel's name. */
  public static final String NAME = "human";

  /** The provenance source of every candidate. */
  public static final String SOURCE = "human-signal";

  /** The trust of every candidate: a person's word is the most trusted source. */
  public static final double TRUST = 1.0;

  private static final String REDIRECT = "redirect";

  private static final Comparator<FieldCandidate> REDIRECTS_FIRST =
      Comparator.comparing((FieldCandidate c) -> !c.text().startsWith("human " + REDIRECT + " "))
          .thenComparing(EventRecall.BEST_FIRST);

  /** A channel reading through {@code continuations}. */
  public HumanChannel(ContinuationService continuations) {
    super(continuations, NAME, Channel.HUMAN, HumanChannel::candidate, REDIRECTS_FIRST);
  }

  private static FieldCandidate candidate(EventEnvelope e, Map<String, Integer> goal) {
    if (!(e.payload() instanceof EventPayload.HumanSignal h)) return null;
    return EventRecall.candidate(
        e,
        Channel.HUMAN,
        SOURCE,
        "human " + h.kind() + " by " + h.by() + ": " + EventRecall.text(h.body()),
        h.kind() + " " + EventRecall.leaves(h.body()),
        TRUST,
        goal);
  }
}
