package dev.maestro.local.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maestro invoke CLOUD FUNCTION EVENT}: runs one cloud function in this process on an event
 * file and prints its response, like {@code sam local invoke}. The clouds come from {@link Invoker}
 * implementations on the class path; each becomes a subcommand whose subcommands are its functions,
 * so {@code --help} at every level lists what there is.
 */
@Command(
    name = "invoke",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a cloud function locally on an event or payload file and prints its response (JSON) on stdout;"
          + " logs go to stderr.",
      "Exit codes: 0 answered, 1 the function failed (its error document on stdout),"
          + " 2 usage (unknown function, unreadable or invalid event or payload file)."
    },
    commandListHeading = "%nClouds:%n")
final class InvokeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "CLOUD", hidden = true)
  List<String> unknown = new ArrayList<>();

  /** Adds a subcommand per {@link Invoker} on the class path to {@code invoke}. */
  static void addClouds(CommandLine invoke) {
    List<Invoker> invokers =
        ServiceLoader.load(Invoker.class).stream()
            .map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(Invoker::cloud))
            .toList();
    var footer = new ArrayList<String>();
    for (Invoker invoker : invokers) {
      invoke.addSubcommand(invoker.cloud(), cloud(invoker));
      footer.add("%n" + invoker.cloud() + " functions:");
      invoker
          .functions()
          .forEach((name, what) -> footer.add(String.format("  %-20s %s", name, what)));
    }
    if (invokers.isEmpty())
      footer.add(
          "%nNo clouds on the class path (they register from the eval module; use bin/maestro).");
    invoke.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
  }

  @Override
  public Integer call() {
    if (unknown.isEmpty()) {
      spec.commandLine().usage(System.out);
      return 0;
    }
    var clouds = spec.subcommands().keySet();
    System.err.println(
        "maestro invoke: no cloud '"
            + unknown.getFirst()
            + "'. "
            + (clouds.isEmpty()
                ? "None is on the class path (they register from the eval module; use bin/maestro)."
                : "Clouds: " + String.join(", ", clouds)));
    return 2;
  }

  private static CommandSpec cloud(Invoker invoker) {
    var command = new CloudCommand(invoker);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    command.spec = spec;
    spec.usageMessage()
        .description(invoker.description())
        .commandListHeading("%nFunctions:%n")
        .synopsisSubcommandLabel("FUNCTION");
    spec.addOption(help());
    spec.addPositional(
        PositionalParamSpec.builder()
            .paramLabel("FUNCTION")
            .arity("0..*")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .hidden(true)
            .build());
    spec.parser().unmatchedOptionsArePositionalParams(true);
    invoker
        .functions()
        .forEach((name, what) -> spec.addSubcommand(name, function(invoker, name, what)));
    return spec;
  }

  private static CommandSpec function(Invoker invoker, String name, String description) {
    var command = new FunctionCommand(invoker, name);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    command.spec = spec;
    spec.usageMessage().description(description);
    spec.addOption(help());
    for (Invoker.Option option : invoker.options()) {
      var builder = OptionSpec.builder("--" + option.name()).description(option.description());
      if (option.isFlag()) builder.type(boolean.class).arity("0");
      else builder.type(String.class).paramLabel(option.paramLabel());
      spec.addOption(builder.build());
    }
    spec.addPositional(
        PositionalParamSpec.builder()
            .paramLabel("EVENT")
            .arity("1")
            .type(Path.class)
            .description("The event or payload file (JSON).")
            .build());
    return spec;
  }

  private static OptionSpec help() {
    return OptionSpec.builder("-h", "--help")
        .usageHelp(true)
        .description("Show this help message and exit.")
        .build();
  }

  /** {@code maestro invoke CLOUD}: lists the functions; an unknown one is an error. */
  private static final class CloudCommand implements Callable<Integer> {
    private final Invoker invoker;
    CommandSpec spec;

    CloudCommand(Invoker invoker) {
      this.invoker = invoker;
    }

    @Override
    public Integer call() {
      List<String> given = spec.positionalParameters().getFirst().getValue();
      if (given == null || given.isEmpty()) {
        spec.commandLine().usage(System.out);
        return 0;
      }
      System.err.println(
          "maestro invoke "
              + invoker.cloud()
              + ": no function '"
              + given.getFirst()
              + "'. Functions:");
      invoker.functions().forEach((name, what) -> System.err.printf("  %-20s %s%n", name, what));
      return 2;
    }
  }

  /** {@code maestro invoke CLOUD FUNCTION EVENT [options]}. */
  private static final class FunctionCommand implements Callable<Integer> {
    private final Invoker invoker;
    private final String function;
    CommandSpec spec;

    FunctionCommand(Invoker invoker, String function) {
      this.invoker = invoker;
      this.function = function;
    }

    @Override
    public Integer call() {
      Path event = spec.positionalParameters().getFirst().getValue();
      Map<String, String> options = new LinkedHashMap<>();
      for (OptionSpec option : spec.options()) {
        if (option.usageHelp()) continue;
        Object value = option.getValue();
        String name = option.longestName().replaceFirst("^-+", "");
        if (value instanceof Boolean flag) {
          if (flag) options.put(name, "true");
        } else if (value != null) {
          options.put(name, value.toString());
        }
      }
      // Only the response goes to stdout: whatever else prints there (libraries) goes to stderr.
      PrintStream out = System.out;
      PrintStream err = System.err;
      System.setOut(err);
      try {
        return invoker.invoke(function, event, options, out, err);
      } finally {
        System.setOut(out);
      }
    }
  }
}
