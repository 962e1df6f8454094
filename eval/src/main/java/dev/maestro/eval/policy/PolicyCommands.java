package dev.maestro.eval.policy;

import dev.maestro.local.cli.CommandProvider;

/** Contributes {@code maestro policy} to the command line. */
public final class PolicyCommands implements CommandProvider {

  @Override
  public Object command() {
    return new PolicyCommand();
  }

  /** Contributes {@code maestro replay} to the command line. */
  public static final class Replay implements CommandProvider {
    @Override
    public Object command() {
      return new ReplayCommand();
    }
  }
}
