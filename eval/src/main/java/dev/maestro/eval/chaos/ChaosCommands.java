package dev.maestro.eval.chaos;

import dev.maestro.local.cli.CommandProvider;

/** Contributes {@code maestro chaos} to the command line. */
public final class ChaosCommands implements CommandProvider {

  @Override
  public Object command() {
    return new ChaosCommand();
  }
}
