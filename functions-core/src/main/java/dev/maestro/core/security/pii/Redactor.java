package dev.maestro.core.security.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.maestro.core.policy.PolicyDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in text before it is written (BRIEF §12): e-mail addresses, phone numbers
 * (E.164 and common national formats), payment card numbers (Luhn-checked), IBANs (mod-97 checked),
 * US social security numbers and UK National Insurance numbers, plus a tenant's own patterns. Each
 * match becomes the replacement text with {@code {name}} standing for the detector that found it
 * ({@code [REDACTED:email]} by default).
 *
 * <p>Redaction is idempotent ({@code redact(redact(x)).equals(redact(x))}) and leaves no value a
 * detector finds: detectors are applied repeatedly until a pass changes nothing, and a replacement
 * text that a detector would match is rejected when the policy is loaded. Built-in detectors ignore
 * digit runs glued to letters or hyphens (hashes, UUIDs, ISO dates). A tenant pattern that runs
 * past {@link #CUSTOM_TIME_BOX} on one string fails closed: the whole string is replaced.
 *
 * <p>Immutable and thread-safe; build one per tenant policy revision.
 */
public final class Redactor {

  /** The built-in detectors' names, in the order they are applied. */
  public static final List<String> BUILT_IN =
      List.of("email", "iban", "card", "ssn", "nino", "phone");

  /** How long one tenant pattern may search one string before the string is replaced whole. */
  public static final Duration CUSTOM_TIME_BOX = Duration.ofMillis(100);

  /** Passes over one string at most; real text settles in one or two. */
  private static final int MAX_PASSES = 4;

  /**
   * Not glued to a word or to a hyphenated chain: no letter or digit just before, nor one followed
   * by a hyphen (the inner groups of a UUID or an ISO date are never candidates).
   */
  private static final String BEFORE = "(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)";

  /** Nor just after: no letter or digit, nor a hyphen followed by one. */
  private static final String AFTER = "(?![A-Za-z0-9]|-[A-Za-z0-9])";

  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
              + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\\.[A-Za-z]{2,24}"
              + AFTER);

  private static final Pattern IBAN =
      Pattern.compile(
          "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])");

  private static final Pattern CARD =
      // The longest run of digit groups that ends cleanly; the card is then found inside it.
      Pattern.compile(BEFORE + "[0-9](?:[ -]?[0-9]){12,}" + AFTER);

  private static final Pattern SSN =
      Pattern.compile(
          BEFORE + "(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}" + AFTER);

  private static final Pattern NINO =
      Pattern.compile(
          "(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
              + " ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![A-Za-z0-9])");

  private static final Pattern PHONE =
      Pattern.compile(
          // E.164 and international forms: +CC then 6..14 more digits, single separators.
          "(?<![A-Za-z0-9+])\\+[1-9](?:[ .-]?(?:\\([0-9]{1,4}\\)|[0-9])){6,14}(?![A-Za-z0-9])"
              // North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567.
              + "|"
              + BEFORE
              + "(?:\\([0-9]{3}\\) ?|[0-9]{3}[-. ])[0-9]{3}[-. ][0-9]{4}"
              + AFTER
              // Trunk-prefixed national: 020 7946 0958, 07700 900123, 030 12345678.
              + "|"
              + BEFORE
              + "0[1-9][0-9]{1,3}[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}"
              + AFTER);

  private static final Set<String> SEPARATORS = Set.of(" ", "-", ".", "(", ")");

  private static final Redactor NONE = new Redactor(List.of());
  private static final Redactor BUILT_IN_DEFAULT =
      new Redactor(builtIns(PolicyDocument.Pii.DEFAULT_REPLACEMENT));

  /**
   * One detector: a name, a pattern, what part of each match is the value (null: none, the match is
   * a near miss), and its replacement.
   */
  private record Detector(
      String name, Pattern pattern, Locator locate, String replacement, boolean guarded) {}

  /** The value's bounds {@code [start, end)} inside a candidate match, or null if there is none. */
  @FunctionalInterface
  private interface Locator {
    int[] locate(String match);

    /** Every match is a value, whole. */
    Locator ANY = whole(m -> true);

    static Locator whole(Predicate<String> valid) {
      return m -> valid.test(m) ? new int[] {0, m.length()} : null;
    }
  }

  private final List<Detector> detectors;

  private Redactor(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  /** The built-in detectors with the default replacement. */
  public static Redactor builtIn() {
    return BUILT_IN_DEFAULT;
  }

  /** A redactor that changes nothing (a tenant with redaction disabled). */
  public static Redactor none() {
    return NONE;
  }

  /**
   * The redactor a tenant's {@code pii} section asks for: null gives {@link #builtIn()}, a disabled
   * section {@link #none()}, otherwise the built-in detectors then the tenant's patterns, with the
   * section's replacement. The section must have been validated ({@link #problems}).
   */
  public static Redactor of(PolicyDocument.Pii pii) {
    if (pii == null) return BUILT_IN_DEFAULT;
    if (!pii.enabled()) return NONE;
    String template = pii.replacementOrDefault();
    var all = new ArrayList<>(builtIns(template));
    for (PolicyDocument.PiiPattern p : pii.patterns()) {
      all.add(
          new Detector(
              p.name(), Pattern.compile(p.regex()), Locator.ANY, render(template, p.name()), true));
    }
    return new Redactor(all);
  }

  /**
   * The problems of a {@code pii} section beyond its shape, each as a pointer relative to the
   * section ({@code /patterns/0/regex}, {@code /replacement}) and a detail: regexes that do not
   * compile or backtrack catastrophically ({@link PatternGuard}), names that clash with a built-in
   * detector, and a replacement that some detector would match again.
   */
  public static Map<String, String> problems(
      List<PolicyDocument.PiiPattern> patterns, String replacement) {
    var problems = new java.util.LinkedHashMap<String, String>();
    String template = replacement != null ? replacement : PolicyDocument.Pii.DEFAULT_REPLACEMENT;
    var usable = new ArrayList<Detector>(builtIns(template));
    for (int i = 0; i < patterns.size(); i++) {
      PolicyDocument.PiiPattern p = patterns.get(i);
      if (BUILT_IN.contains(p.name())) {
        problems.put("/patterns/" + i + "/name", "must not be a built-in detector's name");
      }
      String problem = PatternGuard.problem(p.regex());
      if (problem != null) {
        problems.put("/patterns/" + i + "/regex", problem);
      } else {
        usable.add(
            new Detector(
                p.name(),
                Pattern.compile(p.regex()),
                Locator.ANY,
                render(template, p.name()),
                true));
      }
    }
    for (Detector d : usable) {
      for (Detector other : usable) {
        if (other.pattern().matcher(d.replacement()).find()) {
          problems.putIfAbsent(
              "/replacement",
              "the replacement for "
                  + d.name()
                  + " ("
                  + d.replacement()
                  + ") would itself be matched by detector "
                  + other.name());
        }
      }
    }
    return problems;
  }

  /** Counts what a redaction replaced, per detector; one per write, not thread-safe. */
  public static final class Tally {
    private final Map<String, Integer> counts = new java.util.TreeMap<>();
    private int total;

    void add(String detector) {
      counts.merge(detector, 1, Integer::sum);
      total++;
    }

    /** How many values were replaced. */
    public int total() {
      return total;
    }

    /** How many values each detector replaced (detectors with none are absent). */
    public Map<String, Integer> byDetector() {
      return Map.copyOf(counts);
    }
  }

  /** Whether this redactor changes anything at all. */
  public boolean active() {
    return !detectors.isEmpty();
  }

  /** {@code text} with every detected value replaced. */
  public String redact(String text) {
    return redact(text, new Tally());
  }

  /** {@code text} with every detected value replaced, each replacement counted in {@code tally}. */
  public String redact(String text, Tally tally) {
    Objects.requireNonNull(tally, "tally");
    if (text == null || text.length() < 5 || detectors.isEmpty()) return text;
    String current = text;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      String before = current;
      for (Detector d : detectors) current = apply(d, current, tally);
      if (current.equals(before)) break;
    }
    return current;
  }

  /**
   * {@code node} with every string value redacted (object keys are kept). Returns {@code node}
   * itself when nothing changed, else a copy; never modifies {@code node}.
   */
  public JsonNode redact(JsonNode node, Tally tally) {
    if (node == null || detectors.isEmpty()) return node;
    if (node.isTextual()) {
      String text = node.textValue();
      String redacted = redact(text, tally);
      return redacted.equals(text) ? node : TextNode.valueOf(redacted);
    }
    if (node.isArray()) {
      ArrayNode copy = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        JsonNode redacted = redact(item, tally);
        if (redacted != item) {
          if (copy == null) copy = ((ArrayNode) node).deepCopy();
          copy.set(i, redacted);
        }
      }
      return copy != null ? copy : node;
    }
    if (node.isObject()) {
      ObjectNode copy = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode redacted = redact(field.getValue(), tally);
        if (redacted != field.getValue()) {
          if (copy == null) copy = ((ObjectNode) node).deepCopy();
          copy.set(field.getKey(), redacted);
        }
      }
      return copy != null ? copy : node;
    }
    return node;
  }

  /** Every string of {@code texts} redacted; the same list when nothing changed. */
  public List<String> redact(List<String> texts, Tally tally) {
    List<String> result = null;
    for (int i = 0; i < texts.size(); i++) {
      String redacted = redact(texts.get(i), tally);
      if (!redacted.equals(texts.get(i))) {
        if (result == null) result = new ArrayList<>(texts);
        result.set(i, redacted);
      }
    }
    return result != null ? List.copyOf(result) : texts;
  }

  /**
   * Whether some detector still finds a value in {@code text} that it would replace; false for
   * every output of {@link #redact}.
   */
  public boolean detects(String text) {
    for (Detector d : detectors) {
      Matcher m = d.pattern().matcher(text);
      while (m.find()) if (d.locate().locate(m.group()) != null) return true;
    }
    return false;
  }

  private static String apply(Detector d, String text, Tally tally) {
    CharSequence input =
        d.guarded()
            ? PatternGuard.timeBoxed(text, System.nanoTime() + CUSTOM_TIME_BOX.toNanos())
            : text;
    Matcher m = d.pattern().matcher(input);
    StringBuilder out = null;
    int last = 0;
    try {
      while (m.find()) {
        if (m.end() == m.start()) continue;
        String match = text.substring(m.start(), m.end());
        int[] value = d.locate().locate(match);
        if (value == null) continue;
        if (out == null) out = new StringBuilder(text.length());
        out.append(text, last, m.start() + value[0]).append(d.replacement());
        last = m.start() + value[1];
        tally.add(d.name());
      }
    } catch (PatternGuard.TimedOut | StackOverflowError e) {
      // Fail closed: a string a tenant pattern cannot scan in time is not written as it was.
      if (text.equals(d.replacement())) return text;
      tally.add(d.name());
      return d.replacement();
    }
    if (out == null) return text;
    return out.append(text, last, text.length()).toString();
  }

  private static List<Detector> builtIns(String template) {
    return List.of(
        new Detector("email", EMAIL, Locator.ANY, render(template, "email"), false),
        new Detector(
            "iban", IBAN, Locator.whole(Redactor::validIban), render(template, "iban"), false),
        new Detector("card", CARD, Redactor::locateCard, render(template, "card"), false),
        new Detector("ssn", SSN, Locator.ANY, render(template, "ssn"), false),
        new Detector("nino", NINO, Locator.ANY, render(template, "nino"), false),
        new Detector(
            "phone", PHONE, Locator.whole(Redactor::validPhone), render(template, "phone"), false));
  }

  private static String render(String template, String name) {
    return template.replace("{name}", name);
  }

  /**
   * The card number inside a run of digit groups: the longest (then leftmost) run of whole groups
   * with 13 to 19 digits that passes the Luhn check, so "4111 1111 1111 1111 0" still gives up its
   * card. A group is never split.
   */
  static int[] locateCard(String match) {
    var starts = new ArrayList<Integer>();
    var ends = new ArrayList<Integer>();
    for (int i = 0; i < match.length(); ) {
      if (!Character.isDigit(match.charAt(i))) {
        i++;
        continue;
      }
      int j = i;
      while (j < match.length() && Character.isDigit(match.charAt(j))) j++;
      starts.add(i);
      ends.add(j);
      i = j;
    }
    int[] best = null;
    int bestDigits = 0;
    for (int a = 0; a < starts.size(); a++) {
      int digits = 0;
      for (int b = a; b < starts.size(); b++) {
        digits += ends.get(b) - starts.get(b);
        if (digits > 19) break;
        if (digits >= 13 && digits > bestDigits) {
          String candidate = match.substring(starts.get(a), ends.get(b));
          if (validCard(candidate)) {
            best = new int[] {starts.get(a), ends.get(b)};
            bestDigits = digits;
          }
        }
      }
    }
    return best;
  }

  /** 13 to 19 digits passing the Luhn check. */
  static boolean validCard(String match) {
    String digits = digits(match);
    if (digits.length() < 13 || digits.length() > 19) return false;
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /** 15 to 34 characters whose ISO 13616 mod-97 remainder is 1. */
  static boolean validIban(String match) {
    String iban = match.replace(" ", "");
    if (iban.length() < 15 || iban.length() > 34) return false;
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    int remainder = 0;
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      int value = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
      remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
    }
    return remainder == 1;
  }

  /** 7 to 15 digits, with no more than one separator in a row. */
  static boolean validPhone(String match) {
    int digits = digits(match).length();
    return digits >= 7 && digits <= 15;
  }

  private static String digits(String match) {
    var b = new StringBuilder(match.length());
    for (int i = 0; i < match.length(); i++) {
      char c = match.charAt(i);
      if (c >= '0' && c <= '9') b.append(c);
      else if (!SEPARATORS.contains(String.valueOf(c)) && c != '+') return "";
    }
    return b.toString();
  }
}
