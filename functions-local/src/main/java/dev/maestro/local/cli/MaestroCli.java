package dev.maestro.local.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code maestro}: the embedded runtime's command line. */
@Command(
    name = "maestro",
    mixinStandardHelpOptions = true,
    versionProvider = MaestroCli.Version.class,
    description =
        "Runs Maestro continuations on this machine: the API, a demo, benchmarks, checks and"
            + " local invocations of cloud functions.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      TokenCommand.class,
      EventsCommand.class,
      ForkCommand.class,
      LineageCommand.class,
      PublishCommand.class,
      DoctorCommand.class,
      BenchCommand.class,
      InvokeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MaestroCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int run(String... args) {
    var cli = new CommandLine(new MaestroCli());
    InvokeCommand.addClouds(cli.getSubcommands().get("invoke"));
    ServiceLoader.load(CommandProvider.class).forEach(p -> cli.addSubcommand(p.command()));
    return cli.setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reports the version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MaestroCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "maestro " + (v == null ? "development" : v) + " (Java " + Runtime.version() + ")"
      };
    }
  }
}
