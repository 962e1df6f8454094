package dev.maestro.eval.learn;

import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.policy.ShadowSwitchFile;
import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maestro policy simulate}: writes simulated research continuations, with every policy
 * decision and its outcome, to the event log of a data directory, for {@code maestro policy train}.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs simulated research continuations on the embedded runtime and records every policy"
          + " decision (with its input) and its outcomes: model calls, charges, quality checks,"
          + " forks and whether the goal was met. The log is training data for: maestro policy"
          + " train.",
      "Decisions are scored in shadow mode by the learned policy the runtime would use (--model,"
          + " else <data-dir>/policy/v1, else the shipped model) while its kill switch is on;"
          + " --rules-only records none."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the database lives (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  @Option(
      names = "--continuations",
      paramLabel = "N",
      defaultValue = "1500",
      description = "How many continuations to simulate (default: ${DEFAULT-VALUE}).")
  int continuations;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the hidden truths and outcomes (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--exploration",
      defaultValue = "0.2",
      description =
          "Share of steps that run a random allowed tier or branch (default: ${DEFAULT-VALUE}).")
  double exploration;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Score every decision in shadow mode with the learned policy in DIR.")
  Path model;

  @Option(names = "--rules-only", description = "Record the rules' decisions without scoring v1.")
  boolean rulesOnly;

  /** A command with its defaults; picocli sets the options. */
  public SimulateCommand() {}

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
    ShadowKernel kernel =
        rulesOnly
            ? ShadowKernel.rulesOnly()
            : new ShadowKernel(LocalLearnedPolicy.find(model, dir), ShadowSwitchFile.in(dir));
    var summary =
        Simulator.run(
            new Simulator.Settings(dir, continuations, seed, exploration, kernel), System.err);
    System.out.printf(
        "%,d continuations, %,d decisions recorded in %s (%.1f s)%n",
        summary.continuations(), summary.decisions(), dir, summary.seconds());
    return summary.failed() == 0 ? 0 : 1;
  }
}
