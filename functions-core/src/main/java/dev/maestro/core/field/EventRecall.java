package dev.maestro.core.field;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the channels that recall from event logs share: reading a log's recent events through {@link
 * ContinuationService} (so every read is scoped to the reader's tenant), the lexical word-overlap
 * cosine against the goal frame, and the shape of an event candidate.
 */
final class EventRecall {

  /** The longest text a candidate carries. */
  static final int MAX_CHARS = 2_000;

  private static final Set<String> STOP_WORDS =
      Set.of(
          "the", "and", "for", "with", "from", "that", "this", "these", "those", "are", "was",
          "were", "has", "have", "had", "not", "but", "into", "onto", "its", "our", "their", "what",
          "which", "who", "whom", "how", "why", "when", "where", "all", "any", "per", "can",
          "should", "must", "will", "would", "about", "than", "then", "there", "each", "every",
          "out");

  /** Best cosine first, then the most recent, then by id: the order every event channel answers. */
  static final Comparator<FieldCandidate> BEST_FIRST =
      Comparator.comparing((FieldCandidate c) -> -c.feature(FieldCandidate.COSINE))
          .thenComparing(c -> c.provenance().get(0).recordedAt(), Comparator.reverseOrder())
          .thenComparing(FieldCandidate::id);

  private EventRecall() {}

  /** Turns one event into a candidate against the goal's word counts, or {@code null}. */
  @FunctionalInterface
  interface Proposer {
    FieldCandidate propose(EventEnvelope e, Map<String, Integer> goal);
  }

  /**
   * The candidates {@code proposer} makes of the last {@code maxScan} events of the query's own
   * continuation (read as {@code subject} of the query's tenant), in {@code order}, at most {@code
   * limit}; none when the goal frame has no word worth matching.
   */
  static List<FieldCandidate> recallOwnLog(
      ContinuationService continuations,
      FieldQuery query,
      String subject,
      int maxScan,
      Proposer proposer,
      Comparator<FieldCandidate> order,
      int limit) {
    Map<String, Integer> goal = counts(query.goalFrame());
    if (goal.isEmpty()) return List.of();
    Principal reader = reader(query, subject);
    ContinuationId id = query.continuationId();
    long last = continuations.get(reader, id).continuation().lastSequence();
    var scored = new ArrayList<FieldCandidate>();
    scan(
        continuations,
        reader,
        id,
        last,
        maxScan,
        query.at(),
        e -> propose(proposer, e, goal, scored));
    scored.sort(order);
    return first(scored, limit);
  }

  /** Adds {@code proposer}'s candidate for {@code e}, if any, to {@code out}. */
  static void propose(
      Proposer proposer, EventEnvelope e, Map<String, Integer> goal, List<FieldCandidate> out) {
    FieldCandidate c = proposer.propose(e, goal);
    if (c != null) out.add(c);
  }

  /** A principal of {@code query}'s tenant named {@code subject}, with no roles. */
  static Principal reader(FieldQuery query, String subject) {
    return new Principal(query.tenant(), subject, Set.of());
  }

  /**
   * Hands {@code sink} each of the last {@code maxScan} events of {@code id} (ending at {@code
   * last}) recorded no later than {@code at}, oldest first; stops early when interrupted.
   */
  static void scan(
      ContinuationService continuations,
      Principal reader,
      ContinuationId id,
      long last,
      int maxScan,
      Instant at,
      Consumer<EventEnvelope> sink) {
    long after = Math.max(0, last - maxScan);
    while (after < last && !Thread.currentThread().isInterrupted()) {
      int page = (int) Math.min(ContinuationService.MAX_PAGE, last - after);
      List<EventEnvelope> events = continuations.events(reader, id, after, page);
      if (events.isEmpty()) break;
      for (EventEnvelope e : events) {
        if (!e.timestamp().isAfter(at)) sink.accept(e); // read as of the query's time
      }
      after = events.get(events.size() - 1).sequence();
    }
  }

  /**
   * The candidate for event {@code e}, shown as {@code text} and matched on {@code match}, or
   * {@code null} when {@code match} shares no word with {@code goal}. Its id is {@code
   * event:<continuation>#<sequence>}, its provenance {@code (source, <continuation>#<sequence>)}
   * with the event's timestamp and {@code trust}, its one feature the cosine.
   */
  static FieldCandidate candidate(
      EventEnvelope e,
      Channel channel,
      String source,
      String text,
      String match,
      double trust,
      Map<String, Integer> goal) {
    double cosine = cosine(goal, counts(match));
    if (cosine <= 0) return null;
    String shown = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    String uri = e.continuationId().value() + "#" + e.sequence();
    return FieldCandidate.of(
        "event:" + uri,
        channel,
        shown,
        tokens(shown),
        new Provenance(source, uri, e.timestamp(), trust),
        Map.of(FieldCandidate.COSINE, cosine));
  }

  /** The first {@code limit} of {@code candidates} (already sorted). */
  static List<FieldCandidate> first(List<FieldCandidate> candidates, int limit) {
    return List.copyOf(candidates.subList(0, Math.min(limit, candidates.size())));
  }

  /** What an event shows in the context ({@code text}) and what is matched against the goal. */
  record Rendering(String text, String match) {}

  /** A publish: {@code published to <tag>: <content>}, matched on the tag and content values. */
  static Rendering published(EventPayload.Published p) {
    return new Rendering(
        "published to " + p.tag() + ": " + text(p.content()), p.tag() + " " + leaves(p.content()));
  }

  /** A completion: {@code completed with <result>}, matched on the result's values. */
  static Rendering completed(EventPayload.Completed c) {
    return new Rendering("completed with " + text(c.result()), leaves(c.result()));
  }

  /** The node as text: a string as itself, anything else as compact JSON. */
  static String text(JsonNode node) {
    return node.isTextual() ? node.asText() : Json.write(node);
  }

  /** The node's scalar values, space-separated (field names are left out: they are not content). */
  static String leaves(JsonNode node) {
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

  /** The cosine between two word-count vectors, in {@code [0, 1]}. */
  static double cosine(Map<String, Integer> a, Map<String, Integer> b) {
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
