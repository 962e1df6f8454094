package dev.maestro.local.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the {@code maestro} CLI with its standard output and error captured, for
 * tests of this module and of modules that add commands (eval's {@code invoke aws}).
 */
public record CliRun(int exit, String out, String err) {

  /** Runs {@code maestro args...}; runs are serialised since they swap {@code System.out/err}. */
  public static synchronized CliRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int exit = MaestroCli.run(args);
      return new CliRun(
          exit,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
