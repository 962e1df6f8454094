package dev.maestro.field.cli;

import dev.maestro.local.cli.CommandProvider;

/** Contributes {@code maestro ingest} to the command line. */
public final class FieldCommands implements CommandProvider {

  @Override
  public Object command() {
    return new IngestCommand();
  }

  /** Contributes {@code maestro rank}. */
  public static final class Rank implements CommandProvider {
    @Override
    public Object command() {
      return new RankCommand();
    }
  }

  /** Contributes {@code maestro eval-rank}. */
  public static final class EvalRank implements CommandProvider {
    @Override
    public Object command() {
      return new EvalRankCommand();
    }
  }
}
