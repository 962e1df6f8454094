package dev.maestro.eval.learn;

import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maestro policy train}: trains the learned policy (v1) from the decisions recorded in a
 * data directory and writes {@code route.onnx}, {@code branch.onnx} and {@code manifest.json}.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the learned policy (v1) from the decisions recorded in the event log: one"
          + " gradient-boosted classifier per dimension (route: does the step pass its quality"
          + " check at this tier; branch: does the continuation meet its goal after this branch),"
          + " held out by continuation, exported to ONNX with a manifest.",
      "Prints progress and the holdout AUC per dimension. Needs libgomp1 (maestro doctor)."
    })
public final class TrainCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the database lives (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where to write the model (default: <data-dir>/policy/v1).")
  Path out;

  @Option(
      names = "--trees",
      defaultValue = "100",
      description = "Boosting rounds per dimension (default: ${DEFAULT-VALUE}).")
  int trees;

  @Option(
      names = "--depth",
      defaultValue = "6",
      description = "Maximum tree depth (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the split and the booster (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--holdout",
      defaultValue = "0.2",
      description = "Share of continuations held out (default: ${DEFAULT-VALUE}).")
  double holdout;

  /** A command with its defaults; picocli sets the options. */
  public TrainCommand() {}

  @Override
  public Integer call() {
    Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
    Path target = out != null ? out : dir.resolve("policy").resolve("v1");
    long start = System.nanoTime();
    // The embedded runtime keeps no tenant policy documents: every tenant has the defaults.
    DecisionDataset data = DecisionDataset.read(dir, TenantPolicy::defaults);
    System.err.printf(
        "train: read %,d continuations, %,d decisions (%,d with input): %,d route rows, %,d branch"
            + " rows (%.1f s)%n",
        data.continuations().size(),
        data.decisions(),
        data.decisionsWithInput(),
        data.route().size(),
        data.branch().size(),
        (System.nanoTime() - start) / 1e9);
    var result =
        Trainer.train(
            data,
            new Trainer.Settings(trees, depth, seed, holdout),
            target,
            Map.of("source", "event log (decision events with their input)"),
            System.err);
    result.route().booster().dispose();
    result.branch().booster().dispose();
    System.out.printf(
        "model %s written to %s: route holdout AUC %.4f, branch holdout AUC %.4f%n",
        result.manifest().version(),
        target,
        result.route().dimension().holdoutAuc(),
        result.branch().dimension().holdoutAuc());
    return 0;
  }
}
