package dev.maestro.local.cli;

import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The shared {@code --data-dir} option. */
final class DataDirOption {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the database and the dev signing key live (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  Path resolve() {
    return dataDir != null ? dataDir : LocalConfig.defaultDataDir();
  }
}
