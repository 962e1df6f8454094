package dev.maestro.local.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A benchmark runnable as {@code maestro bench <name>}. Implementations live in the {@code eval}
 * module and are found with {@link java.util.ServiceLoader}; each returns its figures as a flat or
 * nested map that the CLI prints as JSON.
 */
public interface Benchmark {

  /** The name on the command line, e.g. {@code append}. */
  String name();

  /** One line: what it measures and against which BRIEF §13 target. */
  String description();

  /**
   * Runs the benchmark in {@code workDir} (a fresh temporary directory), reporting progress lines
   * on {@code progress} (stderr), and returns the figures.
   */
  Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception;
}
