package dev.maestro.local.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cloud whose functions {@code maestro invoke CLOUD FUNCTION EVENT} runs locally on an event
 * file. Cloud adapters are not dependencies of this module, so implementations register through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.maestro.local.cli.Invoker}) from a
 * module that has both on its class path (eval), as benchmarks do.
 */
public interface Invoker {

  /** The cloud's name on the command line, e.g. {@code aws}. */
  String cloud();

  /** One line on what this cloud's invocations run against. */
  String description();

  /** The functions, in display order: name to one line on what it is and its event. */
  Map<String, String> functions();

  /** The options every function of this cloud takes. */
  List<Option> options();

  /**
   * Runs {@code function} on the event in {@code event}: the response on {@code out}, logs and
   * progress on {@code err}.
   *
   * @param options the options given, by name without dashes; a flag given is {@code "true"}
   * @return the exit code: 0 answered, 1 the function failed, 2 a usage error (unknown function,
   *     unreadable or invalid event file)
   */
  int invoke(
      String function, Path event, Map<String, String> options, PrintStream out, PrintStream err);

  /**
   * One option.
   *
   * @param name the long name without dashes ({@code data-dir} is given as {@code --data-dir})
   * @param paramLabel the value's label ({@code DIR}); null for a flag
   * @param description one line
   */
  record Option(String name, String paramLabel, String description) {
    public boolean isFlag() {
      return paramLabel == null;
    }
  }
}
