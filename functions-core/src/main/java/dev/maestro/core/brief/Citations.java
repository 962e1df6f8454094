package dev.maestro.core.brief;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's answer into cited claims. The model saw its sources numbered {@code [1]..[n]};
 * every sentence of the answer must cite one or more of them as {@code [k]} or {@code [k, m]}. A
 * sentence citing nothing, or only numbers outside {@code 1..n}, is dropped and counted: a brief
 * states nothing its field does not support.
 */
public final class Citations {

  private static final Pattern MARKER = Pattern.compile("\\[(\\d+(?:\\s*,\\s*\\d+)*)]");

  private Citations() {}

  /** The cited claims of an answer and the number of sentences dropped for citing nothing. */
  public record Parsed(List<Claim> claims, int dropped) {
    public Parsed {
      claims = List.copyOf(claims);
    }
  }

  /**
   * Parses {@code answer}, whose citations number {@code sourceIds} from 1.
   *
   * @param sourceIds the field item ids the model saw, in the order it saw them
   */
  public static Parsed parse(String answer, List<String> sourceIds) {
    var claims = new ArrayList<Claim>();
    int dropped = 0;
    if (answer == null || answer.isBlank()) return new Parsed(claims, 0);
    for (String sentence : sentences(answer.strip())) {
      if (sentence.isBlank()) continue;
      var cited = new LinkedHashSet<String>();
      Matcher m = MARKER.matcher(sentence);
      while (m.find()) {
        for (String n : m.group(1).split(",")) {
          int k = Integer.parseInt(n.strip());
          if (k >= 1 && k <= sourceIds.size()) cited.add(sourceIds.get(k - 1));
        }
      }
      String text = MARKER.matcher(sentence).replaceAll("").replaceAll("\\s+", " ").strip();
      text = text.replaceAll("\\s+([.!?,;:])", "$1");
      if (cited.isEmpty() || text.isEmpty()) {
        dropped++;
      } else {
        claims.add(new Claim(text, List.copyOf(cited)));
      }
    }
    return new Parsed(claims, dropped);
  }

  /**
   * Splits text into sentences at a {@code .}, {@code !} or {@code ?} followed by white space or
   * the end, keeping any citation markers that directly follow the punctuation with the sentence.
   */
  static List<String> sentences(String text) {
    var out = new ArrayList<String>();
    int start = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '.' || c == '!' || c == '?') {
        int end = i + 1;
        while (true) {
          int k = end;
          while (k < n && text.charAt(k) == ' ') k++;
          Matcher marker = MARKER.matcher(text).region(k, n);
          if (k < n && marker.lookingAt()) {
            end = marker.end();
          } else {
            break;
          }
        }
        if (end == n || Character.isWhitespace(text.charAt(end))) {
          String sentence = text.substring(start, end).strip();
          if (!sentence.isEmpty()) out.add(sentence);
          start = end;
          i = end;
          continue;
        }
      }
      i++;
    }
    String rest = text.substring(Math.min(start, n)).strip();
    if (!rest.isEmpty()) out.add(rest);
    return out;
  }

  /** The numbered source block a prompt shows: one {@code [k] text} line per source. */
  public static String numbered(List<Source> sources) {
    var out = new StringBuilder();
    for (int i = 0; i < sources.size(); i++) {
      out.append('[')
          .append(i + 1)
          .append("] ")
          .append(sources.get(i).text().replaceAll("\\s+", " ").strip())
          .append('\n');
    }
    return out.toString();
  }
}
