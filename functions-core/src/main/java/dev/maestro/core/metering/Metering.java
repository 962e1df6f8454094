package dev.maestro.core.metering;

import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * Turns a dispatch response into the {@code model_call} and {@code budget_charge} events every call
 * appends (BRIEF §9), priced from a versioned {@link PriceTable} rather than trusting the
 * provider's own figure, so every charge in the log is reproducible from its table version.
 */
public final class Metering {

  private Metering() {}

  /**
   * The two payloads for one call, plus the runtime the envelopes carry (the payloads have no
   * runtime field; the envelope does).
   */
  public record Metered(
      Runtime runtime, EventPayload.ModelCall modelCall, EventPayload.BudgetCharged charge) {
    public Metered {
      Objects.requireNonNull(runtime, "runtime");
      Objects.requireNonNull(modelCall, "modelCall");
      Objects.requireNonNull(charge, "charge");
    }
  }

  /**
   * Meters one response. A local-provider response costs nothing whatever the table says; any other
   * is priced by the table.
   *
   * @param tier the tier the call was made for ({@code local} for the local provider)
   * @throws IllegalArgumentException when the table has no price for the response's model: a call
   *     should not have been reserved, let alone made, against an unpriced model
   */
  public static Metered events(
      String callId,
      String tier,
      ModelDispatch.Response response,
      PriceTable prices,
      Runtime runtime) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(prices, "prices");
    BigDecimal usd =
        response.local()
            ? BigDecimal.ZERO.setScale(PriceTable.COST_SCALE)
            : prices.cost(
                response.provider(), response.modelId(), response.tokensIn(), response.tokensOut());
    var call =
        new EventPayload.ModelCall(
            callId,
            response.provider(),
            response.modelId(),
            tier,
            response.tokensIn(),
            response.tokensOut(),
            response.latencyMs(),
            usd,
            response.safetyOutcome() == null ? "unknown" : response.safetyOutcome(),
            response.local(),
            response.failover());
    var charge =
        new EventPayload.BudgetCharged(
            callId, usd, response.tokensIn(), response.tokensOut(), prices.version());
    return new Metered(runtime, call, charge);
  }
}
