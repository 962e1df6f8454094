package dev.maestro.core.field;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The episodic recall channel (BRIEF §10): recalls from the continuation's own event log, so a
 * field has something to offer even where no document index is deployed.
 *
 * <p>It reads the last {@value #MAX_SCAN} events of the continuation (through {@link
 * ContinuationService}, scoped to the query's tenant) and proposes each {@code publish}, {@code
 * tool_call}, {@code model_call}, {@code human_signal}, {@code error} and {@code complete} event
 * whose content (its scalar values, tool name, tag or kind) shares at least one word (three letters
 * or more, not a stop word) with the goal frame. The candidate's text is a one-line rendering of
 * the event with its JSON compacted (at most {@value #MAX_CHARS} characters). Its one feature is
 * {@code cosine}: the cosine between the word-count vectors of the goal frame and the event's
 * content (core has no embedder, so this is a lexical cosine in {@code (0, 1]}). Provenance is
 * {@code (event-log, <continuation>#<sequence>)} with the event's timestamp (for recency) and a
 * trust by kind: a human signal 1.0, a publish or completion 0.9, a successful tool call 0.7, a
 * model call or error 0.5, a failed tool call 0.3.
 */
public final class EpisodicChannel implements RecallChannel {

  /** The channel's name. */
  public static final String NAME = "episodic";

  /** The provenance source of every candidate. */
  public static final String SOURCE = "event-log";

  /** How many of the most recent events are read. */
  public static final int MAX_SCAN = 5_000;

  /** The longest text a candidate carries. */
  public static final int MAX_CHARS = 2_000;

  private static final String SUBJECT = "field:episodic";

  private static final Set<String> STOP_WORDS =
      Set.of(
          "the", "and", "for", "with", "from", "that", "this", "these", "those", "are", "was",
          "were", "has", "have", "had", "not", "but", "into", "onto", "its", "our", "their", "what",
          "which", "who", "whom", "how", "why", "when", "where", "all", "any", "per", "can",
          "should", "must", "will", "would", "about", "than", "then", "there", "each", "every",
          "out");

  private final ContinuationService continuations;

  /** A channel reading through {@code continuations}. */
  public EpisodicChannel(ContinuationService continuations) {
    this.continuations = Objects.requireNonNull(continuations, "continuations");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Channel kind() {
    return Channel.EPISODIC;
  }

  @Override
  public List<FieldCandidate> recall(FieldQuery query, int limit) {
    Map<String, Integer> goal = counts(query.goalFrame());
    if (goal.isEmpty()) return List.of();
    var reader = new Principal(query.tenant(), SUBJECT, Set.of());
    ContinuationId id = query.continuationId();
    long last = continuations.get(reader, id).continuation().lastSequence();
    long after = Math.max(0, last - MAX_SCAN);
    var scored = new ArrayList<FieldCandidate>();
    while (after < last && !Thread.currentThread().isInterrupted()) {
      List<EventEnvelope> page =
          continuations.events(reader, id, after, ContinuationService.MAX_PAGE);
      if (page.isEmpty()) break;
      for (EventEnvelope e : page) {
        if (e.timestamp().isAfter(query.at())) continue; // read as of the query's time
        FieldCandidate c = candidate(e, goal);
        if (c != null) scored.add(c);
      }
      after = page.get(page.size() - 1).sequence();
    }
    scored.sort(
        Comparator.comparing((FieldCandidate c) -> -c.feature(FieldCandidate.COSINE))
            .thenComparing(c -> c.provenance().get(0).recordedAt(), Comparator.reverseOrder())
            .thenComparing(FieldCandidate::id));
    return List.copyOf(scored.subList(0, Math.min(limit, scored.size())));
  }

  private static FieldCandidate candidate(EventEnvelope e, Map<String, Integer> goal) {
    Rendered r = render(e.payload());
    if (r == null) return null;
    double cosine = cosine(goal, counts(r.match()));
    if (cosine <= 0) return null;
    String text = r.text().length() > MAX_CHARS ? r.text().substring(0, MAX_CHARS) : r.text();
    String uri = e.continuationId().value() + "#" + e.sequence();
    return FieldCandidate.of(
        "event:" + uri,
        Channel.EPISODIC,
        text,
        tokens(text),
        new Provenance(SOURCE, uri, e.timestamp(), r.trust()),
        Map.of(FieldCandidate.COSINE, cosine));
  }

  /** An event as a candidate: the text it enters the context with, what is matched, its trust. */
  private record Rendered(String text, String match, double trust) {}

  private static Rendered render(EventPayload payload) {
    return switch (payload) {
      case EventPayload.Published p ->
          new Rendered(
              "published to " + p.tag() + ": " + text(p.content()),
              p.tag() + " " + leaves(p.content()),
              0.9);
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
      case EventPayload.HumanSignal h ->
          new Rendered(
              "human " + h.kind() + " by " + h.by() + ": " + text(h.body()),
              h.kind() + " " + leaves(h.body()),
              1.0);
      case EventPayload.Failed f ->
          new Rendered("error " + f.code() + ": " + f.message(), f.code() + " " + f.message(), 0.5);
      case EventPayload.Completed c ->
          new Rendered("completed with " + text(c.result()), leaves(c.result()), 0.9);
      default -> null;
    };
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : Json.write(node);
  }

  /** The node's scalar values, space-separated (field names are left out: they are not content). */
  private static String leaves(JsonNode node) {
    var out = new StringBuilder();
    leaves(node, out);
    return out.toString();
  }

  private static void leaves(JsonNode node, StringBuilder out) {
    if (node.isContainerNode()) {
      for (JsonNode child : node) leaves(child, out);
    } else if (!node.isNull()) {
      out.append(node.asText()).append(' ');
    }
  }

  /** A rough token count: four characters a token, at least one. */
  static int tokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }

  /** The words worth matching: lower-cased, at least three characters, not a stop word. */
  static Map<String, Integer> counts(String text) {
    var counts = new HashMap<String, Integer>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 3 && !STOP_WORDS.contains(w)) counts.merge(w, 1, Integer::sum);
    }
    return counts;
  }

  private static double cosine(Map<String, Integer> a, Map<String, Integer> b) {
    double dot = 0;
    for (var e : a.entrySet()) {
      Integer other = b.get(e.getKey());
      if (other != null) dot += (double) e.getValue() * other;
    }
    if (dot == 0) return 0;
    return Math.min(1.0, dot / (norm(a) * norm(b)));
  }

  private static double norm(Map<String, Integer> v) {
    double sum = 0;
    for (int x : v.values()) sum += (double) x * x;
    return Math.sqrt(sum);
  }
}
