package dev.maestro.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PriceTableTest {

  private static final String TABLE =
      """
      {"version": "2026-11-01", "models": {
        "anthropic/claude-sonnet-4-5": {"inputPerMTok": "3.00", "outputPerMTok": "15.00"},
        "bedrock/anthropic.claude-haiku-4-5-20251001-v1:0":
          {"inputPerMTok": "1.00", "outputPerMTok": "5.00"}}}
      """;

  @Test
  void givenAValidTable_whenParsed_thenVersionAndPricesAreKept() {
    PriceTable table = PriceTable.parse(TABLE);

    assertThat(table.version()).isEqualTo("2026-11-01");
    assertThat(table.price("anthropic", "claude-sonnet-4-5"))
        .contains(new PriceTable.Price(new BigDecimal("3.00"), new BigDecimal("15.00")));
    assertThat(table.priced("bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0")).isTrue();
    assertThat(table.priced("openai", "gpt-4.1")).isFalse();
  }

  @Test
  void givenATable_whenWrittenAndReadBack_thenItIsEqual() {
    PriceTable table = PriceTable.parse(TABLE);

    assertThat(PriceTable.parse(table.toJson())).isEqualTo(table);
    assertThat(PriceTable.parse(PriceTable.defaultTable().toJson()))
        .isEqualTo(PriceTable.defaultTable());
  }

  @Test
  void givenTheDefaultTable_whenRead_thenItPricesEveryTiersDefaultModelAndLabelsItsFigures() {
    PriceTable table = PriceTable.defaultTable();

    assertThat(table.version()).isEqualTo("2026-11-01");
    assertThat(table.note()).contains("List prices").contains("as of");
    assertThat(table.priced("bedrock", "anthropic.claude-3-5-haiku")).isTrue();
    for (String tier : new String[] {"haiku", "sonnet", "opus"}) {
      assertThat(table.priced("foundry", "maestro-" + tier)).as(tier).isTrue();
    }
    assertThat(table.priced("bedrock", "anthropic.claude-sonnet-4-20250514-v1:0")).isTrue();
    assertThat(table.priced("anthropic", "claude-opus-4-20250514")).isTrue();
    assertThat(table.cost("local", "local-extractive", 1_000_000, 1_000_000).signum()).isZero();
  }

  @Test
  void givenEveryKindOfMistake_whenParsed_thenEachIsNamedByItsPointer() {
    String bad =
        """
        {"version": "", "extra": 1, "models": {
          "NoSlash": {"inputPerMTok": "1", "outputPerMTok": "1"},
          "openai/gpt-4.1": {"inputPerMTok": 3.0, "outputPerMTok": "-1", "cached": "1"},
          "openai/o3": {"inputPerMTok": "1.0000001"},
          "openai/huge": {"inputPerMTok": "10000.01", "outputPerMTok": "1"}}}
        """;

    assertThatThrownBy(() -> PriceTable.parse(bad))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::pointer)
                    .containsExactlyInAnyOrder(
                        "/extra",
                        "/version",
                        "/models/NoSlash",
                        "/models/openai~1gpt-4.1/cached",
                        "/models/openai~1gpt-4.1/inputPerMTok",
                        "/models/openai~1gpt-4.1/outputPerMTok",
                        "/models/openai~1o3/inputPerMTok",
                        "/models/openai~1o3/outputPerMTok",
                        "/models/openai~1huge/inputPerMTok"));
  }

  @Test
  void givenMalformedOrDuplicatedJson_whenParsed_thenTheRootIsNamed() {
    assertThatThrownBy(() -> PriceTable.parse("{\"version\":"))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.errors().get(0).pointer()).isEmpty());
    assertThatThrownBy(
            () -> PriceTable.parse("{\"version\":\"a\",\"version\":\"b\",\"models\":{}}"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> PriceTable.parse("[]"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors()).extracting(FieldError::pointer).containsExactly(""));
    assertThatThrownBy(() -> PriceTable.parse("{}"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::pointer)
                    .containsExactlyInAnyOrder("/version", "/models"));
  }

  @Test
  void givenAKnownCall_whenCosted_thenTokensTimesPricePerMillionRoundedHalfUpToSixPlaces() {
    PriceTable table = PriceTable.parse(TABLE);

    // 5,300 in at $3/M + 820 out at $15/M = 0.0159 + 0.0123
    assertThat(table.cost("anthropic", "claude-sonnet-4-5", 5_300, 820))
        .isEqualTo(new BigDecimal("0.028200"));
    // 1 in at $1/M + 0 out = 0.000001 exactly; 1 out at $5/M = 0.000005
    assertThat(table.cost("bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", 1, 1))
        .isEqualTo(new BigDecimal("0.000006"));
    PriceTable odd =
        PriceTable.parse(
            "{\"version\":\"v\",\"models\":{\"p/m\":"
                + "{\"inputPerMTok\":\"0.5\",\"outputPerMTok\":\"0\"}}}");
    // 1 token at $0.5/M = 0.0000005 -> rounds half up to 0.000001
    assertThat(odd.cost("p", "m", 1, 0)).isEqualTo(new BigDecimal("0.000001"));
    assertThat(odd.cost("p", "m", 0, 0)).isEqualTo(new BigDecimal("0.000000"));
  }

  @Test
  void givenAnUnpricedModel_whenCosted_thenItFailsNamingTheModelAndTable() {
    assertThatThrownBy(() -> PriceTable.parse(TABLE).cost("openai", "gpt-9", 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openai/gpt-9")
        .hasMessageContaining("2026-11-01");
  }

  @Property(tries = 200)
  void costIsLinearAndExactBeforeRounding(
      @ForAll @LongRange(max = 50_000_000) long in, @ForAll @LongRange(max = 50_000_000) long out) {
    PriceTable table = PriceTable.parse(TABLE);
    BigDecimal cost = table.cost("anthropic", "claude-sonnet-4-5", in, out);
    BigDecimal exact =
        new BigDecimal("3.00")
            .multiply(BigDecimal.valueOf(in))
            .add(new BigDecimal("15.00").multiply(BigDecimal.valueOf(out)))
            .movePointLeft(6);

    assertThat(cost.scale()).isEqualTo(PriceTable.COST_SCALE);
    assertThat(cost.subtract(exact).abs()).isLessThanOrEqualTo(new BigDecimal("0.0000005"));
  }
}
