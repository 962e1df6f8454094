package dev.maestro.aws.tick;

import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.core.substrate.Observability;

/**
 * The tick functions' per-container state, built on first use (and so, with SnapStart, in the
 * snapshot) from {@link AwsRuntime#container()}.
 */
final class TickContainer {

  private TickContainer() {}

  private static final class Holder {
    static final TickPhases PHASES = build(AwsRuntime.container());
  }

  static TickPhases phases() {
    return Holder.PHASES;
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
