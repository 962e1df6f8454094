package dev.maestro.core.brief;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan of a brief: the sub-questions its question splits into. The planning model is asked for
 * one numbered line per sub-question; when its answer has fewer than two such lines (the offline
 * provider echoes, a model may refuse), the plan falls back to three fixed angles on the question
 * (what supports it, what qualifies it, what remains open) and says so.
 */
public final class SubQuestions {

  /** The most sub-questions a brief asks. */
  public static final int MAX = 5;

  private static final Pattern NUMBERED = Pattern.compile("^\\s*(?:\\d+[.)]|[-*])\\s+(.+?)\\s*$");

  private SubQuestions() {}

  /** A plan: its sub-questions and where they came from ({@code model} or {@code template}). */
  public record Plan(List<String> questions, String origin) {
    public Plan {
      questions = List.copyOf(questions);
    }
  }

  /**
   * The plan for {@code question} from the planning model's {@code answer}, at most {@code max}.
   */
  public static Plan parse(String question, String answer, int max) {
    int limit = Math.max(1, Math.min(max, MAX));
    var found = new LinkedHashSet<String>();
    String asked = normalise(question);
    if (answer != null) {
      for (String line : answer.split("\\R")) {
        Matcher m = NUMBERED.matcher(line);
        if (m.matches()) {
          String q = m.group(1).strip();
          if (q.length() >= 8 && !normalise(q).equals(asked)) found.add(q);
        }
      }
    }
    if (found.size() >= 2) {
      return new Plan(new ArrayList<>(found).subList(0, Math.min(limit, found.size())), "model");
    }
    return new Plan(template(question).subList(0, Math.min(limit, 3)), "template");
  }

  /** The three fixed angles on {@code question}. */
  public static List<String> template(String question) {
    String q = question.strip().replaceAll("[?.!]+$", "");
    return List.of(
        "What evidence supports: " + q + "?",
        "What evidence qualifies or contradicts: " + q + "?",
        "What remains open or uncertain about: " + q + "?");
  }

  private static String normalise(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }
}
