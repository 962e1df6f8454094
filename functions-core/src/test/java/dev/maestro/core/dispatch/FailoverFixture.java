package dev.maestro.core.dispatch;

import dev.maestro.core.continuation.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The failover set-up a provider's failover tests share: {@code tenant}'s sonnet tier routed to one
 * provider first and to the offline {@link LocalProvider} behind it, each circuit opening after
 * {@value #FAILURE_THRESHOLD} failures for {@link #COOL_DOWN}.
 */
public final class FailoverFixture {

  /** Failures in a row that open a provider's circuit. */
  public static final int FAILURE_THRESHOLD = 2;

  /** How long an open circuit stays open. */
  public static final Duration COOL_DOWN = Duration.ofSeconds(30);

  private FailoverFixture() {}

  /** A dispatch trying {@code first} with {@code modelId}, then the local provider. */
  public static FailoverDispatch inFrontOfLocal(
      TenantId tenant, ModelProvider first, String modelId, Clock clock) {
    return new FailoverDispatch(
        TierRouting.standard()
            .withTenantRoutes(
                tenant,
                "sonnet",
                List.of(
                    new TierRouting.Route(first.name(), modelId),
                    new TierRouting.Route(LocalProvider.NAME, LocalProvider.MODEL_ID))),
        List.of(first, new LocalProvider()),
        FAILURE_THRESHOLD,
        COOL_DOWN,
        clock);
  }
}
