package dev.maestro.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Installs an npm package that tests run (the emulators, validators and parsers the suites use for
 * real) into a folder of its own, once: later runs find it there. Node.js and npm must be on the
 * path; when they are not, the error says to install them. Shared with the cloud modules and {@code
 * eval} through the test-jar.
 */
public final class NpmPackages {

  private NpmPackages() {}

  /**
   * Ensures {@code name@version} is installed under {@code prefix} (npm's {@code --prefix}),
   * running {@code npm install} unless {@code marker}, a path relative to {@code prefix} that the
   * installed package provides (e.g. {@code node_modules/.bin/tool}), already exists.
   *
   * @return {@code prefix}
   * @throws IllegalStateException if npm cannot be started or the installation fails (with npm's
   *     output)
   */
  public static Path ensure(Path prefix, String name, String version, String marker) {
    if (Files.exists(prefix.resolve(marker))) return prefix;
    try {
      Files.createDirectories(prefix);
      Process npm;
      try {
        npm =
            new ProcessBuilder(
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                    prefix.toString(),
                    name + "@" + version)
                .directory(prefix.toFile())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "npm could not be started; install Node.js with npm to run these tests", e);
      }
      String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
        throw new IllegalStateException(
            "installing " + name + "@" + version + " with npm failed:\n" + output);
      }
      if (!Files.exists(prefix.resolve(marker))) {
        throw new IllegalStateException(
            "npm installed " + name + "@" + version + " but " + marker + " is missing:\n" + output);
      }
      return prefix;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + name, e);
    }
  }
}
