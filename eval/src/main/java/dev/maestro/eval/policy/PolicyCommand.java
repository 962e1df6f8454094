package dev.maestro.eval.policy;

import dev.maestro.eval.learn.SimulateCommand;
import dev.maestro.eval.learn.TrainCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code maestro policy}: the learned policy's life cycle, from data to shadow report. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "The learned policy (v1) in shadow mode: record decisions (simulate), train the models"
          + " (train), compare v1 with the rules (shadow-report) and turn v1 on or off at run time"
          + " (v1)."
    },
    subcommands = {
      SimulateCommand.class,
      TrainCommand.class,
      ShadowReportCommand.class,
      V1Command.class
    })
public final class PolicyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
