package dev.maestro.core.security.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.PolicyDocument;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in PII detectors and tenant patterns on realistic text. */
class RedactorTest {

  private final Redactor redactor = Redactor.builtIn();

  static final String PARAGRAPH =
      """
      Dear Ms. Jane Whitaker, thank you for contacting Dairy Nutrition Ltd. Please reply to \
      jane.whitaker+dairy@example.co.uk or to our desk at support@dairy-nutrition.org. You can \
      also call +44 20 7946 0958, (555) 123-4567, 555.987.6543, 020 7946 0958 or +1-202-555-0143. \
      The payment used card 4111 1111 1111 1111 (the order number 4111 1111 1111 1112 is not a \
      card) and the refund goes to GB82 WEST 1234 5698 7654 32. Her SSN 123-45-6789 and NI \
      number AB 12 34 56 C were supplied by Robert Smith on 2024-03-15.""";

  @Test
  void givenARealisticParagraph_whenRedacted_thenEveryIdentifierIsReplacedAndTheRestKept() {
    var tally = new Redactor.Tally();
    String out = redactor.redact(PARAGRAPH, tally);

    assertThat(out)
        .doesNotContain("jane.whitaker", "support@", "7946", "123-4567", "987.6543", "555-0143")
        .doesNotContain("4111 1111 1111 1111 (", "GB82", "123-45-6789", "AB 12 34 56 C")
        .contains("[REDACTED:email]", "[REDACTED:phone]", "[REDACTED:card]")
        .contains("[REDACTED:iban]", "[REDACTED:ssn]", "[REDACTED:nino]")
        // Names are not detected (no reliable pattern); dates and non-Luhn numbers stay.
        .contains("Jane Whitaker", "Robert Smith", "2024-03-15", "4111 1111 1111 1112");
    assertThat(tally.byDetector())
        .containsEntry("email", 2)
        .containsEntry("phone", 5)
        .containsEntry("card", 1)
        .containsEntry("iban", 1)
        .containsEntry("ssn", 1)
        .containsEntry("nino", 1);
    assertThat(tally.total()).isEqualTo(11);
    assertThat(redactor.redact(out)).isEqualTo(out);
    assertThat(redactor.detects(out)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4111111111111111", // Visa test number
        "5500-0000-0000-0004", // Mastercard
        "3400 000000 00009", // Amex
        "6011000990139424" // Discover
      })
  void givenACardNumberPassingLuhn_whenRedacted_thenItIsReplaced(String card) {
    assertThat(redactor.redact("paid with " + card + ".")).isEqualTo("paid with [REDACTED:card].");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111111111111112", "1234 5678 9012 3456", "0000 0000 0000 0001"})
  void givenADigitRunFailingLuhn_whenRedacted_thenItIsKept(String number) {
    assertThat(redactor.redact("ref " + number)).isEqualTo("ref " + number);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE89 3704 0044 0532 0130 00", "FR1420041010050500013M02606"})
  void givenAnIbanPassingMod97_whenRedacted_thenItIsReplaced(String iban) {
    assertThat(redactor.redact("to " + iban + " today")).isEqualTo("to [REDACTED:iban] today");
  }

  @Test
  void givenAnIbanFailingMod97_whenRedacted_thenItIsKept() {
    assertThat(redactor.redact("to DE89 3704 0044 0532 0130 01"))
        .doesNotContain("[REDACTED:iban]")
        .startsWith("to DE89 ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0190a3b2-7c4e-7123-8456-123456789012", // a continuation id (UUIDv7)
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // a SHA-256
        "2026-01-31T12:00:00Z",
        "version 1.2.3",
        "$12.50 for 1000 tokens"
      })
  void givenIdentifiersHashesAndTimestamps_whenRedacted_thenTheyAreKept(String text) {
    assertThat(redactor.redact(text)).isEqualTo(text);
  }

  @Test
  void givenJson_whenRedacted_thenOnlyStringValuesChangeAndTheInputIsUntouched() {
    JsonNode input =
        Json.tree(
            """
            {"contact": "mail bob@example.com", "n": 5551234567, "list": ["ok", "+33 1 42 68 53 00", "(+44 (0)20 7946 0958)"],
             "nested": {"bob@example.com": "key kept"}}""");
    String before = input.toString();
    var tally = new Redactor.Tally();

    JsonNode out = redactor.redact(input, tally);

    assertThat(input.toString()).isEqualTo(before);
    assertThat(out.path("contact").asText()).isEqualTo("mail [REDACTED:email]");
    assertThat(out.path("n").asLong()).isEqualTo(5551234567L);
    assertThat(out.path("list").get(1).asText()).isEqualTo("[REDACTED:phone]");
    assertThat(out.path("list").get(2).asText()).isEqualTo("([REDACTED:phone])");
    assertThat(out.path("nested").has("bob@example.com")).isTrue();
    assertThat(tally.total()).isEqualTo(3);
  }

  @Test
  void givenUnchangedJson_whenRedacted_thenTheSameNodeIsReturned() {
    JsonNode input = Json.tree("{\"a\": \"nothing personal\"}");
    assertThat(redactor.redact(input, new Redactor.Tally())).isSameAs(input);
  }

  @Test
  void givenTenantPatternsAndReplacement_whenRedacted_thenTheyApplyAfterTheBuiltIns() {
    Redactor tenant =
        Redactor.of(
            new PolicyDocument.Pii(
                true,
                List.of(new PolicyDocument.PiiPattern("member-id", "MBR-[0-9]{6}")),
                "<{name}>"));

    assertThat(tenant.redact("member MBR-123456 at a@b.io"))
        .isEqualTo("member <member-id> at <email>");
  }

  @Test
  void givenRedactionDisabled_whenRedacted_thenNothingChanges() {
    Redactor off = Redactor.of(new PolicyDocument.Pii(false, List.of(), null));
    assertThat(off.redact("a@b.io")).isEqualTo("a@b.io");
    assertThat(off.active()).isFalse();
  }

  @Test
  void givenAPatternThatBacktracksCatastrophically_whenChecked_thenItIsRejected() {
    assertThat(PatternGuard.problem("(a+)+$")).contains("catastrophic backtracking");
    assertThat(PatternGuard.problem("(x|x)*y")).contains("catastrophic backtracking");
    assertThat(PatternGuard.problem("[")).contains("not a valid regular expression");
    assertThat(PatternGuard.problem("a*")).contains("empty string");
    assertThat(PatternGuard.problem("MBR-[0-9]{6}")).isNull();
  }

  @Test
  void givenAReplacementADetectorWouldMatch_whenChecked_thenItIsRejected() {
    assertThat(Redactor.problems(List.of(), "call +1 555 000 1111")).containsKey("/replacement");
    assertThat(Redactor.problems(List.of(new PolicyDocument.PiiPattern("word", "REDACTED")), null))
        .containsKey("/replacement");
    assertThat(Redactor.problems(List.of(new PolicyDocument.PiiPattern("email", "x[0-9]+")), null))
        .containsKey("/patterns/0/name");
  }
}
