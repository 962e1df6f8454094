package dev.maestro.aws.tick;

import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.lambda.Priming;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.wake.Wake;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * The tick functions' per-container state, built on first use (and so, with SnapStart, in the
 * snapshot) from {@link AwsRuntime#container()}.
 */
final class TickContainer {

  private TickContainer() {}

  private static final class Holder {
    static final TickPhases PHASES = build(AwsRuntime.container());

    static {
      Priming.register("tick", () -> prime(PHASES), System.getenv());
    }
  }

  /**
   * Runs the acquire phase through its JSON handler for a continuation that does not exist: the
   * phase types both ways, one DynamoDB read and one conditional delete that matches nothing.
   */
  static void prime(TickPhases phases) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    var request =
        new TickRequest(
            TenantId.of("maestro-prime"),
            ContinuationId.newId(now, new SecureRandom()),
            Wake.timer("prime", now),
            now);
    new PhaseHandler.Acquire(() -> phases)
        .invoke(Json.toTree(new PhaseIo.AcquireInput(request, now)));
  }

  static TickPhases phases() {
    return Holder.PHASES;
  }

  /**
   * The container's phases, built now: the Lambda runtime constructs handlers during
   * initialisation, so the clients are built (and primed) there, inside a SnapStart snapshot, and
   * not on the first event.
   */
  static Supplier<TickPhases> eagerly() {
    TickPhases phases = phases();
    return () -> phases;
  }

  static TickPhases build(AwsRuntime runtime) {
    return new TickPhases(
        runtime.tickEngine(Observability.NONE),
        runtime.ledger(),
        runtime.substrate().scheduler(),
        runtime.clock(),
        TickPhases.DEFAULT_MARGIN);
  }
}
