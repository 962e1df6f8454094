package dev.maestro.core.field;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import java.util.Map;

/**
 * The episodic recall channel (BRIEF §10): recalls from the continuation's own event log, so a
 * field has something to offer even where no document index is deployed.
 *
 * <p>It reads the last {@value #MAX_SCAN} events of the continuation (through {@link
 * ContinuationService}, scoped to the query's tenant) and proposes each {@code publish}, {@code
 * tool_call}, {@code model_call}, {@code error} and {@code complete} event whose content (its
 * scalar values, tool name, tag or code) shares at least one word (three letters or more, not a
 * stop word) with the goal frame. Human signals are left to {@link HumanChannel} and stream wakes
 * to {@link StreamChannel}, so no event is proposed twice. The candidate's text is a one-line
 * rendering of the event with its JSON compacted (at most {@value #MAX_CHARS} characters). Its one
 * feature is {@code cosine}: the cosine between the word-count vectors of the goal frame and the
 * event's content (core has no embedder, so this is a lexical cosine in {@code (0, 1]}). Provenance
 * is {@code (event-log, <continuation>#<sequence>)} with the event's timestamp (for recency) and a
 * trust by kind: a publish or completion 0.9, a successful tool call 0.7, a model call or error
 * 0.5, a failed tool call 0.3.
 */
public final class EpisodicChannel extends OwnLogChannel {

  /** The channel's name. */
  public static final String NAME = "episodic";

  /** The provenance source of every candidate. */
  public static final String SOURCE = "event-log";

  /** How many of the most recent events are read. */
  public static final int MAX_SCAN = 5_000;

  /** The longest text a candidate carries. */
  public static final int MAX_CHARS = EventRecall.MAX_CHARS;

  /** A channel reading through {@code continuations}. */
  public EpisodicChannel(ContinuationService continuations) {
    super(
        continuations, NAME, Channel.EPISODIC, EpisodicChannel::candidate, EventRecall.BEST_FIRST);
  }

  private static FieldCandidate candidate(EventEnvelope e, Map<String, Integer> goal) {
    Rendered r = render(e.payload());
    if (r == null) return null;
    return EventRecall.candidate(e, Channel.EPISODIC, SOURCE, r.text(), r.match(), r.trust(), goal);
  }

  /** An event as a candidate: the text it enters the context with, what is matched, its trust. */
  private record Rendered(String text, String match, double trust) {}

  private static Rendered render(EventPayload payload) {
    return switch (payload) {
      case EventPayload.Published p -> rendered(EventRecall.published(p), 0.9);
      case EventPayload.ToolCall t ->
          new Rendered(
              "tool "
                  + t.tool()
                  + (t.ok() ? "" : " (failed)")
                  + " with "
                  + text(t.arguments())
                  + " returned "
                  + text(t.result()),
              t.tool() + " " + leaves(t.arguments()) + " " + leaves(t.result()),
              t.ok() ? 0.7 : 0.3);
      case EventPayload.ModelCall m ->
          new Rendered(
              "model call to "
                  + m.provider()
                  + " "
                  + m.modelId()
                  + " ("
                  + m.tier()
                  + " tier, "
                  + m.tokensIn()
                  + " tokens in, "
                  + m.tokensOut()
                  + " out)",
              m.provider() + " " + m.modelId() + " " + m.tier(),
              0.5);
      case EventPayload.Failed f ->
          new Rendered("error " + f.code() + ": " + f.message(), f.code() + " " + f.message(), 0.5);
      case EventPayload.Completed c -> rendered(EventRecall.completed(c), 0.9);
      default -> null; // human signals, stream wakes and the rest belong to other channels
    };
  }

  private static Rendered rendered(EventRecall.Rendering r, double trust) {
    return new Rendered(r.text(), r.match(), trust);
  }

  private static String text(JsonNode node) {
    return EventRecall.text(node);
  }

  private static String leaves(JsonNode node) {
    return EventRecall.leaves(node);
  }
}
