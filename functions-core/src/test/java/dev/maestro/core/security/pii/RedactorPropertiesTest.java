package dev.maestro.core.security.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of redaction over generated text mixing prose, identifiers and near-misses. */
class RedactorPropertiesTest {

  private final Redactor redactor = Redactor.builtIn();

  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> word =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> email =
        Combinators.combine(word, word, Arbitraries.of("com", "org", "co.uk", "io"))
            .as((a, b, tld) -> a + "." + b + "@" + b + "." + tld);
    Arbitrary<String> phone =
        Arbitraries.of(
            "+44 20 7946 0958",
            "(555) 123-4567",
            "555-123-4567",
            "555.123.4567",
            "+1-202-555-0143",
            "07700 900123",
            "+4915123456789");
    Arbitrary<String> card =
        Arbitraries.of(
            "4111 1111 1111 1111", "5500000000000004", "4111111111111112", "6011-0009-9013-9424");
    Arbitrary<String> other =
        Arbitraries.of(
            "GB82 WEST 1234 5698 7654 32",
            "DE89370400440532013000",
            "123-45-6789",
            "QQ123456C",
            "AB 12 34 56 D",
            "2024-03-15",
            "0190a3b2-7c4e-7123-8456-123456789012",
            "[REDACTED:email]",
            "@",
            "+",
            "-",
            "(",
            ")");
    Arbitrary<String> token = Arbitraries.oneOf(word, digits, email, phone, card, other);
    Arbitrary<String> separator = Arbitraries.of(" ", ", ", ". ", "\n", "-", "", "/", ":");
    return Combinators.combine(token, separator)
        .as((t, s) -> t + s)
        .list()
        .ofMaxSize(20)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 500)
  void redactingTwiceIsRedactingOnce(@ForAll("text") String text) {
    String once = redactor.redact(text);
    assertThat(redactor.redact(once)).isEqualTo(once);
  }

  @Property(tries = 500)
  void noDetectedValueSurvives(@ForAll("text") String text) {
    assertThat(redactor.detects(redactor.redact(text))).isFalse();
  }

  @Property(tries = 200)
  void aGeneratedEmailOrValidCardNeverSurvives(
      @ForAll("text") String prefix, @ForAll("text") String suffix) {
    for (String secret : List.of("someone@example.org", "4111 1111 1111 1111")) {
      String out = redactor.redact(prefix + " " + secret + " " + suffix);
      // The inserted value is gone; the generated text around it may hold look-alikes glued to
      // words ("a-4111 ..."), which survive in it alone as well.
      assertThat(occurrences(out, secret))
          .isLessThanOrEqualTo(
              occurrences(redactor.redact(prefix), secret)
                  + occurrences(redactor.redact(suffix), secret));
    }
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }

  @Property(tries = 300)
  void textWithoutDigitsOrAtSignsIsUnchanged(@ForAll("text") String text) {
    String plain = text.replaceAll("[0-9@+]", "");
    // Without digits or '@' only the NI number detector could fire, and its shape needs digits.
    assertThat(redactor.redact(plain)).isEqualTo(plain);
  }
}
