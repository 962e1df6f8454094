package dev.maestro.core.security.pii;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Guards tenant-supplied regular expressions against catastrophic backtracking. A pattern is
 * accepted on load only if it compiles, is at most {@value #MAX_REGEX_CHARS} characters, does not
 * match the empty string, and scans a set of adversarial probe inputs within {@link #PROBE_BUDGET}.
 * At run time every match of such a pattern runs against a {@link #timeBoxed time-boxed} view of
 * the text, so a pattern that slips past the probe still cannot stall a write.
 */
public final class PatternGuard {

  /** The longest regular expression a tenant may configure. */
  public static final int MAX_REGEX_CHARS = 512;

  /** How long the load-time probe may take over all probe inputs together. */
  public static final Duration PROBE_BUDGET = Duration.ofMillis(200);

  /** Inputs that make exponential or polynomial backtracking show within a short time. */
  private static final List<String> PROBES = probes();

  private PatternGuard() {}

  /** Thrown when a time-boxed match runs past its deadline. */
  public static final class TimedOut extends RuntimeException {
    TimedOut() {
      super("regular expression ran past its time box", null, false, false);
    }
  }

  /**
   * Why {@code regex} is not acceptable as a tenant's PII pattern, or null when it is.
   *
   * @param regex the candidate pattern (Java syntax)
   */
  public static String problem(String regex) {
    if (regex == null || regex.isEmpty()) return "must be a non-empty regular expression";
    if (regex.length() > MAX_REGEX_CHARS)
      return "must be at most " + MAX_REGEX_CHARS + " characters";
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      return "is not a valid regular expression: " + e.getDescription();
    }
    if (pattern.matcher("").find()) return "must not match the empty string";
    long deadline = System.nanoTime() + PROBE_BUDGET.toNanos();
    try {
      for (String probe : probesFor(regex)) {
        Matcher m = pattern.matcher(timeBoxed(probe, deadline));
        while (m.find()) {
          if (m.end() == m.start()) break;
        }
      }
    } catch (TimedOut | StackOverflowError e) {
      return "takes too long to match (catastrophic backtracking); simplify the pattern";
    }
    return null;
  }

  /**
   * {@code text} as a character sequence that throws {@link TimedOut} once {@code deadlineNanos}
   * (on {@link System#nanoTime()}'s scale) has passed; the regex engine reads through it.
   */
  public static CharSequence timeBoxed(CharSequence text, long deadlineNanos) {
    return new TimeBoxed(text, deadlineNanos);
  }

  /**
   * The fixed probes plus, for the pattern's own literal characters, long runs of each and of all
   * of them in turn, ended by a character the pattern is unlikely to accept: the inputs on which a
   * nested quantifier over those characters backtracks.
   */
  private static List<String> probesFor(String regex) {
    var literals = new java.util.LinkedHashSet<Character>();
    for (int i = 0; i < regex.length() && literals.size() < 16; i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        char next = regex.charAt(++i);
        if (next == 'd') literals.add('7');
        else if (next == 'w') literals.add('w');
        else if (next == 's') literals.add(' ');
        else if (!Character.isLetterOrDigit(next)) literals.add(next);
      } else if (Character.isLetterOrDigit(c) || " @.-_:/#".indexOf(c) >= 0) {
        literals.add(c);
      }
    }
    var probes = new java.util.ArrayList<>(PROBES);
    var all = new StringBuilder();
    for (char c : literals) {
      probes.add(String.valueOf(c).repeat(2048) + "\u0001");
      all.append(c);
    }
    if (all.length() > 1) probes.add(all.toString().repeat(4096 / all.length()) + "\u0001");
    return probes;
  }

  private static List<String> probes() {
    return List.of(
        "a".repeat(4096) + "!",
        "1".repeat(4096) + "x",
        "ab".repeat(2048) + "\u0000",
        " ".repeat(4096) + "#",
        "a@a.".repeat(1024) + "@",
        "x1-".repeat(1365) + "~",
        "Aa0 ._-+@()".repeat(372));
  }

  private static final class TimeBoxed implements CharSequence {
    private final CharSequence text;
    private final long deadline;
    private int reads;

    TimeBoxed(CharSequence text, long deadline) {
      this.text = text;
      this.deadline = deadline;
    }

    @Override
    public char charAt(int index) {
      // Reading the clock on every character would dominate; every 1024th read is enough.
      if ((++reads & 0x3ff) == 0 && System.nanoTime() - deadline > 0) throw new TimedOut();
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new TimeBoxed(text.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}
