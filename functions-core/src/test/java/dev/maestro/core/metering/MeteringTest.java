package dev.maestro.core.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteringTest {

  private static final PriceTable PRICES =
      PriceTable.parse(
          """
          {"version": "2026-11-01", "models": {
            "bedrock/anthropic.claude-3-5-haiku": {"inputPerMTok": "0.80", "outputPerMTok": "4.00"}}}
          """);

  @Test
  void givenAProviderResponse_whenMetered_thenBothEventsCarryTheTablePriceNotTheProviders() {
    var response =
        new ModelDispatch.Response(
            "answer",
            "bedrock",
            "anthropic.claude-3-5-haiku",
            5_300,
            820,
            1_240,
            new BigDecimal("99"),
            "allowed",
            false);

    Metering.Metered m = Metering.events("call-1", "haiku", response, PRICES, Runtime.MAESTRO);

    // 5,300 x 0.80 / 1M + 820 x 4.00 / 1M = 0.00424 + 0.00328
    BigDecimal expected = new BigDecimal("0.007520");
    assertThat(m.runtime()).isEqualTo(Runtime.MAESTRO);
    assertThat(m.modelCall().callId()).isEqualTo("call-1");
    assertThat(m.modelCall().provider()).isEqualTo("bedrock");
    assertThat(m.modelCall().modelId()).isEqualTo("anthropic.claude-3-5-haiku");
    assertThat(m.modelCall().tier()).isEqualTo("haiku");
    assertThat(m.modelCall().tokensIn()).isEqualTo(5_300);
    assertThat(m.modelCall().tokensOut()).isEqualTo(820);
    assertThat(m.modelCall().latencyMs()).isEqualTo(1_240);
    assertThat(m.modelCall().usd()).isEqualTo(expected);
    assertThat(m.modelCall().safetyOutcome()).isEqualTo("allowed");
    assertThat(m.modelCall().local()).isFalse();
    assertThat(m.charge().callId()).isEqualTo("call-1");
    assertThat(m.charge().usd()).isEqualTo(expected);
    assertThat(m.charge().tokensIn()).isEqualTo(5_300);
    assertThat(m.charge().tokensOut()).isEqualTo(820);
    assertThat(m.charge().priceTable()).isEqualTo("2026-11-01");
  }

  @Test
  void givenAnAnswerAfterFailover_whenMetered_thenTheModelCallRecordsTheProvidersTriedFirst()
      throws Exception {
    var response =
        new ModelDispatch.Response(
                "answer",
                "bedrock",
                "anthropic.claude-3-5-haiku",
                100,
                10,
                300,
                BigDecimal.ZERO,
                "allowed",
                false)
            .withFailover(List.of("anthropic:429 rate_limit_error", "openai:circuit-open"));

    Metering.Metered m = Metering.events("call-2", "haiku", response, PRICES, Runtime.MAESTRO);
    String json = Json.write(m.modelCall());

    assertThat(m.modelCall().failover())
        .containsExactly("anthropic:429 rate_limit_error", "openai:circuit-open");
    assertThat(Json.read(json, EventPayload.ModelCall.class)).isEqualTo(m.modelCall());
    assertThat(
            Json.write(
                Metering.events(
                        "call-3",
                        "haiku",
                        response.withFailover(List.of()),
                        PRICES,
                        Runtime.MAESTRO)
                    .modelCall()))
        .doesNotContain("failover");
  }

  @Test
  void givenALocalResponse_whenMetered_thenItCostsNothingEvenIfUnpriced() {
    var response =
        new ModelDispatch.Response(
            "extract", "local", "local-extractive", 900, 300, 4, BigDecimal.ZERO, "allowed", true);

    Metering.Metered m = Metering.events("call-2", "local", response, PRICES, Runtime.MAESTRO);

    assertThat(m.modelCall().usd().signum()).isZero();
    assertThat(m.modelCall().local()).isTrue();
    assertThat(m.charge().usd().signum()).isZero();
  }

  @Test
  void givenAnUnpricedModel_whenMetered_thenItFailsRatherThanChargeNothing() {
    var response =
        new ModelDispatch.Response(
            "x", "openai", "gpt-9", 1, 1, 1, BigDecimal.ZERO, "allowed", false);

    assertThatThrownBy(() -> Metering.events("call-3", "opus", response, PRICES, Runtime.MAESTRO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openai/gpt-9");
  }
}
