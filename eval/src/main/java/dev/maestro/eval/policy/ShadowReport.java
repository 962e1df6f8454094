package dev.maestro.eval.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.event.EventPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shadow report ({@code maestro policy shadow-report}): over recorded {@code decision} events,
 * how often the learned policy (v1) agreed with the rules (v0) that decided, and where it diverged.
 * Agreement is counted per dimension over the decisions v1 scored in that dimension; divergence is
 * bucketed by the pair of choices (v0 → v1), by direction (v1 cheaper or more capable), by step
 * kind and by v1's confidence, so an operator can see whether v1 would save money on cheap steps or
 * spend more on hard ones before it is trusted with either.
 */
public final class ShadowReport {

  /** Confidence buckets: v1's probability for its own suggestion. */
  private static final double[] CONFIDENCE_EDGES = {0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

  private long decisions;
  private long withInput;
  private long scored;
  private final Dimension tier = new Dimension();
  private final Dimension branch = new Dimension();
  private final Map<String, Long> tierDirection = new TreeMap<>();
  private final Map<String, Dimension> tierByStepKind = new TreeMap<>();
  private final Map<String, Dimension> tierByConfidence = new TreeMap<>(ShadowReport::byLowerEdge);
  private final Map<String, Long> models = new TreeMap<>();
  private final List<Long> micros = new ArrayList<>();

  /** Agreement counts of one dimension. */
  private static final class Dimension {
    long compared;
    long agreed;
    final Map<String, Long> pairs = new TreeMap<>();

    void add(String v0, String v1) {
      compared++;
      if (v0.equals(v1)) agreed++;
      else pairs.merge(v0 + " -> " + v1, 1L, Long::sum);
    }

    double rate() {
      return compared == 0 ? Double.NaN : (double) agreed / compared;
    }

    ObjectNode json() {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("compared", compared);
      n.put("agreed", agreed);
      if (compared > 0) n.put("agreementRate", round(rate()));
      ObjectNode p = n.putObject("divergences");
      pairs.forEach(p::put);
      return n;
    }
  }

  /** Counts {@code d}. */
  public void add(EventPayload.Decided d) {
    decisions++;
    if (d.input() != null) withInput++;
    EventPayload.Decided.Shadow s = d.shadow();
    if (s == null) return;
    scored++;
    models.merge(s.model(), 1L, Long::sum);
    micros.add(s.scoreMicros());
    if (s.tier() != null && d.tier() != null) {
      tier.add(d.tier(), s.tier());
      tierDirection.merge(direction(d.tier(), s.tier()), 1L, Long::sum);
      String kind = d.input() == null ? "unknown" : d.input().path("stepKind").asText("unknown");
      tierByStepKind.computeIfAbsent(kind, k -> new Dimension()).add(d.tier(), s.tier());
      Double p = s.tierScores().get(s.tier());
      if (p != null) {
        tierByConfidence.computeIfAbsent(bucket(p), k -> new Dimension()).add(d.tier(), s.tier());
      }
    }
    if (s.branch() != null && d.branch() != null) branch.add(d.branch(), s.branch());
  }

  /** Decisions counted. */
  public long decisions() {
    return decisions;
  }

  /** Decisions v1 scored. */
  public long scored() {
    return scored;
  }

  /** Tier agreement over the decisions whose tier v1 scored; NaN when none. */
  public double tierAgreement() {
    return tier.rate();
  }

  /** Branch agreement over the decisions whose branch v1 scored; NaN when none. */
  public double branchAgreement() {
    return branch.rate();
  }

  /** The report as one JSON document. */
  public ObjectNode json() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("decisions", decisions);
    n.put("decisionsWithInput", withInput);
    n.put("scored", scored);
    n.put("notScored", decisions - scored);
    ObjectNode m = n.putObject("models");
    models.forEach(m::put);
    n.set("tier", tier.json());
    ObjectNode dir = ((ObjectNode) n.get("tier")).putObject("direction");
    tierDirection.forEach(dir::put);
    ObjectNode kinds = ((ObjectNode) n.get("tier")).putObject("byStepKind");
    tierByStepKind.forEach((k, v) -> kinds.set(k, v.json()));
    ObjectNode conf = ((ObjectNode) n.get("tier")).putObject("byConfidence");
    tierByConfidence.forEach((k, v) -> conf.set(k, v.json()));
    n.set("branch", branch.json());
    if (!micros.isEmpty()) {
      long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
      ObjectNode t = n.putObject("scoreMicros");
      t.put("p50", sorted[(int) Math.floor(0.50 * (sorted.length - 1))]);
      t.put("p99", sorted[(int) Math.floor(0.99 * (sorted.length - 1))]);
      t.put("max", sorted[sorted.length - 1]);
    }
    return n;
  }

  /** The report as text for a terminal. */
  public String text() {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT, "decisions        %d (%d with their input)%n", decisions, withInput));
    out.append(
        String.format(
            Locale.ROOT,
            "scored by v1     %d%s%n",
            scored,
            models.isEmpty() ? "" : "  models " + models));
    if (scored == 0) {
      out.append(
          "No decision carries a v1 score: shadow mode was off, no model was loaded, or the"
              + " kill switch was on.\n");
      return out.toString();
    }
    line(out, "tier agreement", tier);
    out.append("  direction      ").append(tierDirection).append('\n');
    section(out, "  divergences", tier.pairs);
    out.append("  by step kind\n");
    tierByStepKind.forEach((k, v) -> line(out, "    " + k, v));
    out.append("  by v1 confidence\n");
    tierByConfidence.forEach((k, v) -> line(out, "    " + k, v));
    line(out, "branch agreement", branch);
    section(out, "  divergences", branch.pairs);
    return out.toString();
  }

  private static void line(StringBuilder out, String label, Dimension d) {
    out.append(
        String.format(
            Locale.ROOT,
            "%-17s%s (%d of %d)%n",
            label,
            d.compared == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * d.rate()),
            d.agreed,
            d.compared));
  }

  private static void section(StringBuilder out, String label, Map<String, Long> pairs) {
    if (pairs.isEmpty()) return;
    out.append(label).append('\n');
    pairs.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                out.append(String.format(Locale.ROOT, "    %-22s %d%n", e.getKey(), e.getValue())));
  }

  private static String direction(String v0, String v1) {
    int a = TIERS.indexOf(v0);
    int b = TIERS.indexOf(v1);
    if (a < 0 || b < 0) return "unknown";
    return a == b ? "same" : b < a ? "v1 cheaper" : "v1 more capable";
  }

  private static final List<String> TIERS = List.of("haiku", "sonnet", "opus");

  static String bucket(double p) {
    if (p < CONFIDENCE_EDGES[0]) return "<0.5";
    for (int i = 0; i < CONFIDENCE_EDGES.length - 2; i++) {
      if (p < CONFIDENCE_EDGES[i + 1]) {
        return String.format(
            Locale.ROOT, "%.1f-%.1f", CONFIDENCE_EDGES[i], CONFIDENCE_EDGES[i + 1]);
      }
    }
    return "0.9-1.0";
  }

  /** Orders confidence buckets by their lower edge ("<0.5" first). */
  private static int byLowerEdge(String a, String b) {
    return Double.compare(lowerEdge(a), lowerEdge(b));
  }

  private static double lowerEdge(String bucket) {
    return bucket.startsWith("<")
        ? 0
        : Double.parseDouble(bucket.substring(0, bucket.indexOf('-')));
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
