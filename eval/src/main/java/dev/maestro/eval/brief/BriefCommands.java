package dev.maestro.eval.brief;

import dev.maestro.local.cli.CommandProvider;

/** Contributes {@code maestro brief} to the command line. */
public final class BriefCommands implements CommandProvider {

  @Override
  public Object command() {
    return new BriefCommand();
  }
}
