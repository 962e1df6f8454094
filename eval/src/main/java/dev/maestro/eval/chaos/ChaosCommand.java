package dev.maestro.eval.chaos;

import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code maestro chaos}: random fault schedules against the tick engine on the embedded store. */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Runs random fault schedules against the real tick engine on the embedded SQLite store (a"
          + " fresh data directory per schedule): lease expiry mid-tick with a takeover, worker"
          + " death between and inside the tick's phases, duplicate, stale and out-of-order wakes,"
          + " stream and signal replays, skewed worker clocks and concurrent workers. After each"
          + " schedule it checks every log's hash chain, wake ids, exactly-once step effects, the"
          + " snapshot against the fold, spend against the caps, and each continuation's end.",
      "Prints the figures (schedules, faults by kind, ticks, events checked, violations, wall"
          + " time) and the seed of every failing schedule, which --seed S --schedules 1 replays.",
      "Exit codes: 0 no violation; 1 violations found; 2 invalid arguments."
    })
public final class ChaosCommand implements Callable<Integer> {

  @Option(
      names = "--schedules",
      paramLabel = "N",
      defaultValue = "100",
      description = "How many schedules to run. Default: ${DEFAULT-VALUE}.")
  int schedules;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description =
          "The first schedule's seed; schedule i runs with seed S + i. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the schedules' temporary data directories go (default: the system temp dir).")
  Path dir;

  @Option(
      names = "--crash-loops",
      description =
          "Add crash loops to the faults: a worker dies anywhere in a tick, and the next worker to"
              + " take the wake dies right after taking the lease, before recovery runs.")
  boolean crashLoops;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  @Option(names = "--verbose", description = "Print one line per schedule as it finishes.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (schedules < 1) {
      System.err.println("--schedules: must be at least 1, got " + schedules);
      return 2;
    }
    Path parent = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChaosFigures figures =
        new ChaosSuite(parent, crashLoops)
            .run(
                seed,
                schedules,
                line -> {
                  if (verbose) System.err.println(line);
                });
    if (json) {
      System.out.println(
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
    } else {
      System.out.printf(
          "chaos: %d schedules from seed %d, %d continuations, %d ticks, %d events checked,"
              + " %d faults, %d violations, %d ms%n",
          figures.schedules(),
          figures.seed(),
          figures.continuations(),
          figures.ticks(),
          figures.eventsChecked(),
          figures.faultsTotal(),
          figures.violations(),
          figures.wallMs());
      figures.faults().forEach((k, v) -> System.out.printf("  fault %-28s %d%n", k, v));
      figures.recoveries().forEach((k, v) -> System.out.printf("  recovery %-25s %d%n", k, v));
      for (String v : figures.violationSamples()) System.out.println("  VIOLATION " + v);
      if (!figures.failingSeeds().isEmpty())
        System.out.println(
            "  failing seeds (replay with --seed S --schedules 1): " + figures.failingSeeds());
    }
    return figures.violations() == 0 ? 0 : 1;
  }
}
