package dev.maestro.eval.rerank;

import dev.maestro.local.cli.CommandProvider;

/** Contributes {@code maestro train-reranker} to the command line. */
public final class RerankCommands implements CommandProvider {

  @Override
  public Object command() {
    return new RerankTrainCommand();
  }
}
