package dev.maestro.core.dispatch;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline provider (tier {@code local}): composes an extractive answer from the last user
 * message, without a network or a model, so demos and tests run anywhere. Lines of the form {@code
 * [n] text} are sources; the answer is the source sentences sharing the most words with the rest of
 * the message (or, when none shares a word, each source's first sentence), in source order, each
 * cited as {@code [n]}. With no sources it echoes the message's first sentences. The same request
 * always gives the same answer, and every response is marked {@code local}; it stands in for no
 * real provider's behaviour.
 */
public final class LocalProvider implements ModelProvider {

  /** The provider name routes and events use. */
  public static final String NAME = "local";

  /** The model id it reports. */
  public static final String MODEL_ID = "local-extractive";

  private static final Pattern SOURCE = Pattern.compile("^\\s*\\[(\\d+)]\\s+(.+)$");
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final int MAX_SENTENCES = 3;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ModelDispatch.Response complete(String modelId, ModelDispatch.Request request) {
    String input =
        request.messages().stream()
            .filter(m -> m.role().equals("user"))
            .reduce((first, second) -> second)
            .map(ModelDispatch.Message::content)
            .orElse("");
    String answer = answer(input);
    long tokensIn =
        words(request.system() == null ? "" : request.system()).size()
            + request.messages().stream().mapToLong(m -> words(m.content()).size()).sum();
    long tokensOut = Math.min(words(answer).size(), request.maxTokens());
    return new ModelDispatch.Response(
        answer,
        NAME,
        MODEL_ID,
        tokensIn,
        tokensOut,
        0,
        BigDecimal.ZERO,
        "allowed",
        true,
        List.of(),
        "end_turn",
        List.of());
  }

  /** The extractive answer for {@code input}. */
  static String answer(String input) {
    List<String> question = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    for (String line : input.split("\\R")) {
      Matcher source = SOURCE.matcher(line);
      if (source.matches()) {
        for (String sentence : sentences(source.group(2))) {
          candidates.add(new Candidate(candidates.size(), source.group(1), sentence, 0));
        }
      } else if (!line.isBlank()) {
        question.add(line.strip());
      }
    }
    if (candidates.isEmpty()) {
      List<String> first = sentences(String.join(" ", question));
      return String.join(" ", first.subList(0, Math.min(MAX_SENTENCES, first.size())));
    }
    Set<String> asked = new HashSet<>(words(String.join(" ", question)));
    List<Candidate> scored =
        candidates.stream()
            .map(
                c ->
                    new Candidate(
                        c.order(),
                        c.citation(),
                        c.sentence(),
                        words(c.sentence()).stream().distinct().filter(asked::contains).count()))
            .toList();
    List<Candidate> chosen =
        scored.stream().anyMatch(c -> c.overlap() > 0)
            ? scored.stream()
                .filter(c -> c.overlap() > 0)
                .sorted(
                    Comparator.comparingLong(Candidate::overlap)
                        .reversed()
                        .thenComparingInt(Candidate::order))
                .limit(MAX_SENTENCES)
                .toList()
            : firstSentenceOfEachSource(scored);
    return chosen.stream()
        .sorted(Comparator.comparingInt(Candidate::order))
        .map(c -> c.sentence() + " [" + c.citation() + "]")
        .reduce((a, b) -> a + " " + b)
        .orElse("");
  }

  private record Candidate(int order, String citation, String sentence, long overlap) {}

  private static List<Candidate> firstSentenceOfEachSource(List<Candidate> candidates) {
    Set<String> seen = new HashSet<>();
    return candidates.stream().filter(c -> seen.add(c.citation())).limit(MAX_SENTENCES).toList();
  }

  private static List<String> sentences(String text) {
    List<String> sentences = new ArrayList<>();
    for (String s : SENTENCE_END.split(text.strip())) {
      if (!s.isBlank()) {
        sentences.add(s.strip());
      }
    }
    return sentences;
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      if (m.group().length() > 3) {
        words.add(m.group());
      }
    }
    return words;
  }
}
