package dev.maestro.field.structured;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The exact-match constraints a goal frame's text states, and its text for BM25.
 *
 * <ul>
 *   <li>{@code field:value} (or {@code field=value}, {@code field:"two words"}): that field holds
 *       that value (case-insensitive; numbers compare as numbers), weight {@value #PAIR};
 *   <li>{@code field>=N}, {@code field<=N}, {@code field>N}, {@code field<N}: a numeric field in
 *       range, weight {@value #RANGE};
 *   <li>a {@code "quoted phrase"}: some field's whole value, weight {@value #PHRASE};
 *   <li>two to four consecutive words: some field's whole value, weight {@value #SHINGLE};
 *   <li>one word (not an English stop word): some field's whole value, weight {@value #TERM}.
 * </ul>
 *
 * A constraint counts once per record however many values match it. The BM25 text is the goal frame
 * with each {@code field:value} written as {@code field value}.
 */
final class GoalConstraints {

  static final double PAIR = 4, PHRASE = 3, RANGE = 2, SHINGLE = 2, TERM = 1;
  static final int MAX_CONSTRAINTS = 256;

  static final String KV = "kv"; // keyword: lower(field)=lower(value)
  static final String VAL = "val"; // keyword: lower(value), any field
  static final String LONGS = "nl."; // LongPoint per field (lower-cased name)
  static final String DOUBLES = "nd."; // DoublePoint per field

  private static final Pattern PAIR_RE =
      Pattern.compile(
          "(?<![\\w.\\-])([A-Za-z0-9_][A-Za-z0-9_.\\-]*)(>=|<=|:|=|>|<)(\"([^\"]*)\"|[^\\s\"]+)");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
  private static final Pattern EDGE = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}+]+$");

  /** One constraint: {@code field} is {@code null} for "any field". */
  record Constraint(String kind, double weight, String field, String op, String value) {

    /** The value as a number, or {@code null}. */
    Double number() {
      try {
        double d = Double.parseDouble(value);
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    boolean matches(StructuredRecord r) {
      if (field == null) {
        for (String f : r.fields().keySet()) if (r.keywords(f).contains(value)) return true;
        return false;
      }
      for (var e : r.fields().entrySet()) {
        if (!e.getKey().toLowerCase(Locale.ROOT).equals(field)) continue;
        if (op.equals(":") && r.keywords(e.getKey()).contains(value)) return true;
        Double n = number();
        if (n == null) continue;
        List<?> values = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
        for (Object v : values)
          if (v instanceof Number x && compare(x.doubleValue(), n)) return true;
      }
      return false;
    }

    private boolean compare(double x, double n) {
      return switch (op) {
        case ">=" -> x >= n;
        case "<=" -> x <= n;
        case ">" -> x > n;
        case "<" -> x < n;
        default -> x == n;
      };
    }

    Query query() {
      if (field == null) return new TermQuery(new Term(VAL, value));
      var b = new BooleanQuery.Builder();
      if (op.equals(":")) b.add(new TermQuery(new Term(KV, field + "=" + value)), Occur.SHOULD);
      Double n = number();
      if (n != null) {
        long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE;
        double dlo = Double.NEGATIVE_INFINITY, dhi = Double.POSITIVE_INFINITY;
        switch (op) {
          case ">=" -> {
            lo = (long) Math.ceil(n);
            dlo = n;
          }
          case ">" -> {
            lo = (long) Math.floor(n) + 1;
            dlo = Math.nextUp(n);
          }
          case "<=" -> {
            hi = (long) Math.floor(n);
            dhi = n;
          }
          case "<" -> {
            hi = (long) Math.ceil(n) - 1;
            dhi = Math.nextDown(n);
          }
          default -> {
            dlo = n;
            dhi = n;
            if (n == Math.rint(n)) lo = hi = n.longValue();
            else hi = lo - 1; // no long equals a fraction
          }
        }
        if (lo <= hi) b.add(LongPoint.newRangeQuery(LONGS + field, lo, hi), Occur.SHOULD);
        b.add(DoublePoint.newRangeQuery(DOUBLES + field, dlo, dhi), Occur.SHOULD);
      }
      return b.build();
    }
  }

  private final List<Constraint> constraints;
  private final String bm25Text;

  private GoalConstraints(List<Constraint> constraints, String bm25Text) {
    this.constraints = constraints;
    this.bm25Text = bm25Text;
  }

  /** The constraints of {@code goal} (at most {@value #MAX_CONSTRAINTS}, strongest kinds first). */
  static GoalConstraints parse(String goal) {
    Map<String, Constraint> out = new LinkedHashMap<>();
    var text = new StringBuilder(); // for BM25: field:value as field value
    var loose = new StringBuilder(); // for phrases and words: without the pairs
    Matcher m = PAIR_RE.matcher(goal);
    int last = 0;
    List<Constraint> pairs = new ArrayList<>();
    while (m.find()) {
      String field = m.group(1).toLowerCase(Locale.ROOT);
      String op = m.group(2).equals("=") ? ":" : m.group(2);
      String raw = m.group(4) != null ? m.group(4) : EDGE.matcher(m.group(3)).replaceAll("");
      String value = raw.strip().toLowerCase(Locale.ROOT);
      text.append(goal, last, m.start()).append(' ').append(m.group(1)).append(' ').append(raw);
      text.append(' ');
      loose.append(goal, last, m.start()).append('\n');
      last = m.end();
      if (value.isEmpty()) continue;
      boolean range = !op.equals(":");
      var c = new Constraint(range ? "range" : "pair", range ? RANGE : PAIR, field, op, value);
      if (range && c.number() == null) continue;
      pairs.add(c);
    }
    text.append(goal, last, goal.length());
    loose.append(goal, last, goal.length());
    String rest = loose.toString();
    for (Constraint c : pairs) out.putIfAbsent(c.kind() + c.field() + c.op() + c.value(), c);
    Matcher q = QUOTED.matcher(rest);
    var words = new StringBuilder();
    last = 0;
    while (q.find()) {
      String phrase = q.group(1).strip().toLowerCase(Locale.ROOT);
      if (!phrase.isEmpty())
        out.putIfAbsent("phrase" + phrase, new Constraint("phrase", PHRASE, null, ":", phrase));
      words.append(rest, last, q.start()).append('\n').append(q.group(1)).append('\n');
      last = q.end();
    }
    words.append(rest.substring(last));
    List<Constraint> shingles = new ArrayList<>();
    List<Constraint> terms = new ArrayList<>();
    for (String lineText : words.toString().split("[\\n;]")) {
      List<String> tokens = new ArrayList<>();
      for (String raw : lineText.strip().split("\\s+")) {
        String t = EDGE.matcher(raw).replaceAll("").toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) tokens.add(t);
      }
      for (int i = 0; i < tokens.size(); i++) {
        String t = tokens.get(i);
        if (t.length() > 1 && !EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.contains(t))
          terms.add(new Constraint("term", TERM, null, ":", t));
        var sb = new StringBuilder(t);
        for (int j = i + 1; j < Math.min(tokens.size(), i + 4); j++) {
          sb.append(' ').append(tokens.get(j));
          shingles.add(new Constraint("shingle", SHINGLE, null, ":", sb.toString()));
        }
      }
    }
    for (Constraint c : shingles) out.putIfAbsent("phrase" + c.value(), c);
    for (Constraint c : terms) out.putIfAbsent("phrase" + c.value(), c);
    List<Constraint> list = new ArrayList<>(out.values());
    if (list.size() > MAX_CONSTRAINTS) list = list.subList(0, MAX_CONSTRAINTS);
    return new GoalConstraints(List.copyOf(list), text.toString());
  }

  List<Constraint> constraints() {
    return constraints;
  }

  /** The goal's text for BM25, {@code field:value} written as {@code field value}. */
  String bm25Text() {
    return bm25Text;
  }

  /** Any constraint, each scoring its weight when matched; {@code null} when there are none. */
  Query query() {
    if (constraints.isEmpty()) return null;
    var b = new BooleanQuery.Builder();
    for (Constraint c : constraints)
      b.add(new BoostQuery(new ConstantScoreQuery(c.query()), (float) c.weight()), Occur.SHOULD);
    return b.build();
  }

  /** The constraints {@code r} meets: their count and summed weight. */
  Match match(StructuredRecord r) {
    int n = 0;
    double w = 0;
    for (Constraint c : constraints) {
      if (c.matches(r)) {
        n++;
        w += c.weight();
      }
    }
    return new Match(n, w);
  }

  record Match(int count, double weight) {}
}
