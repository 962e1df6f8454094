package dev.maestro.aws.tick;

import dev.maestro.aws.lambda.AwsRuntime;

/** Lets tests in other packages run the tick primer over a runtime of their own. */
public final class TickPrimingAccess {

  private TickPrimingAccess() {}

  public static void prime(AwsRuntime runtime) {
    TickContainer.prime(TickContainer.build(runtime));
  }
}
