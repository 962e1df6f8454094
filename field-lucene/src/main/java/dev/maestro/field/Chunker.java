package dev.maestro.field;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a document into overlapping chunks along paragraph and sentence boundaries.
 *
 * <p>Sizes are counted in words (whitespace-separated tokens), a stand-in for model tokens: the
 * default budget of 160 words stays under MiniLM's 256 word pieces for most English prose. A chunk
 * never crosses a paragraph boundary once it holds half its budget; a sentence longer than the
 * budget is cut into word windows. Consecutive chunks share up to {@code overlapWords} words (whole
 * sentences). Every non-whitespace character of the text lies in at least one chunk, and the result
 * depends only on the text and the two settings.
 *
 * @param maxWords the budget per chunk, at least 8
 * @param overlapWords how many trailing words of a chunk the next one repeats, less than half the
 *     budget
 */
public record Chunker(int maxWords, int overlapWords) {

  /** 160 words per chunk, 32 words of overlap. */
  public static final Chunker DEFAULT = new Chunker(160, 32);

  private static final Pattern PARAGRAPH = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n");
  private static final Pattern WORD = Pattern.compile("\\S+");

  public Chunker {
    if (maxWords < 8) throw new IllegalArgumentException("maxWords must be >= 8");
    if (overlapWords < 0 || overlapWords * 2 >= maxWords)
      throw new IllegalArgumentException("overlapWords must be >= 0 and < maxWords / 2");
  }

  /** The chunks of {@code doc}, in order; none when the text is blank. */
  public List<Chunk> chunk(Document doc) {
    String text = doc.text();
    List<Span> units = units(text);
    List<Chunk> chunks = new ArrayList<>();
    int i = 0;
    while (i < units.size()) {
      int words = 0;
      int j = i;
      while (j < units.size()) {
        Span u = units.get(j);
        if (j > i && words + u.words > maxWords) break;
        if (j > i && u.paragraphStart && words * 2 >= maxWords) break;
        words += u.words;
        j++;
      }
      int n = chunks.size();
      int start = units.get(i).start;
      int end = units.get(j - 1).end;
      chunks.add(
          new Chunk(Chunk.id(doc.id(), n), doc.id(), n, start, end, text.substring(start, end)));
      if (j >= units.size()) break;
      // Overlap: restart at the earliest trailing unit that keeps the overlap within budget, and
      // always move forward; never carry overlap across a paragraph boundary.
      int next = j;
      int carried = 0;
      while (next - 1 > i
          && !units.get(next).paragraphStart
          && carried + units.get(next - 1).words <= overlapWords) {
        carried += units.get(next - 1).words;
        next--;
        if (units.get(next).paragraphStart) break;
      }
      i = next;
    }
    return chunks;
  }

  /** Sentences (or word windows of over-long sentences), trimmed, with their word counts. */
  private List<Span> units(String text) {
    List<Span> units = new ArrayList<>();
    int paraStart = 0;
    Matcher para = PARAGRAPH.matcher(text);
    while (true) {
      boolean found = para.find();
      int paraEnd = found ? para.start() : text.length();
      sentences(text, paraStart, paraEnd, units);
      if (!found) break;
      paraStart = para.end();
    }
    return units;
  }

  private void sentences(String text, int from, int to, List<Span> out) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
    String para = text.substring(from, to);
    it.setText(para);
    boolean first = true;
    int s = it.first();
    for (int e = it.next(); e != BreakIterator.DONE; s = e, e = it.next()) {
      List<int[]> words = words(para, s, e);
      if (words.isEmpty()) continue;
      for (int w = 0; w < words.size(); w += maxWords) {
        int last = Math.min(words.size(), w + maxWords) - 1;
        out.add(
            new Span(
                from + words.get(w)[0], from + words.get(last)[1], last - w + 1, first && w == 0));
      }
      first = false;
    }
  }

  private static List<int[]> words(String s, int from, int to) {
    List<int[]> words = new ArrayList<>();
    Matcher m = WORD.matcher(s).region(from, to);
    while (m.find()) words.add(new int[] {m.start(), m.end()});
    return words;
  }

  private record Span(int start, int end, int words, boolean paragraphStart) {}
}
