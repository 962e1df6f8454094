package dev.maestro.local.cli;

import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.policy.ShadowSwitchFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maestro doctor}: says what this machine has and what is missing. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Checks the JDK, the data directory, the API port, the embedded database, the learned"
            + " policy and cloud settings.")
final class DoctorCommand implements Callable<Integer> {

  enum Level {
    OK,
    WARN,
    FAIL
  }

  record Check(Level level, String name, String detail) {}

  @Mixin DataDirOption data;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "API port to check (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() {
    List<Check> checks = new ArrayList<>();
    checks.add(jdk());
    checks.add(writable("data directory", data.resolve()));
    checks.add(writable("temporary directory", Path.of(System.getProperty("java.io.tmpdir"))));
    checks.add(sqlite());
    checks.add(port());
    checks.add(node());
    checks.add(learnedPolicy(data.resolve()));
    checks.add(openMp());
    checks.add(env("AWS", "AWS_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID"));
    checks.add(env("Azure", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_SUBSCRIPTION_ID"));
    checks.add(tracing(System.getenv()));
    for (Check c : checks) {
      System.out.printf("[%-4s] %-22s %s%n", c.level(), c.name(), c.detail());
    }
    long failed = checks.stream().filter(c -> c.level() == Level.FAIL).count();
    System.out.println(failed == 0 ? "Ready." : failed + " check(s) failed.");
    return failed == 0 ? 0 : 1;
  }

  /** Whether spans and metrics are exported, and where (the standard {@code OTEL_*} variables). */
  static Check tracing(java.util.Map<String, String> env) {
    try {
      return dev.maestro.otel.OtlpSettings.fromEnvironment("local", env)
          .map(
              s ->
                  new Check(
                      Level.OK,
                      "tracing",
                      "OTLP/HTTP to " + s.tracesEndpoint() + " as " + s.serviceName()))
          .orElseGet(
              () ->
                  new Check(
                      Level.OK,
                      "tracing",
                      "off (set OTEL_EXPORTER_OTLP_ENDPOINT or serve --otlp-endpoint to export)"));
    } catch (IllegalStateException e) {
      return new Check(Level.WARN, "tracing", e.getMessage());
    }
  }

  private static Check jdk() {
    int feature = Runtime.version().feature();
    String where = System.getProperty("java.home");
    return feature >= 21
        ? new Check(Level.OK, "JDK", "Java " + Runtime.version() + " at " + where)
        : new Check(
            Level.FAIL, "JDK", "Java " + feature + " at " + where + "; Maestro needs 21 or newer");
  }

  private static Check writable(String name, Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor", ".tmp");
      Files.delete(probe);
      return new Check(Level.OK, name, dir + " is writable");
    } catch (IOException | RuntimeException e) {
      return new Check(Level.FAIL, name, dir + " is not writable: " + e.getMessage());
    }
  }

  private static Check sqlite() {
    try (var conn = DriverManager.getConnection("jdbc:sqlite::memory:");
        var rs = conn.createStatement().executeQuery("select sqlite_version()")) {
      rs.next();
      return new Check(
          Level.OK, "embedded database", "SQLite " + rs.getString(1) + " (native library loaded)");
    } catch (Exception e) {
      return new Check(Level.FAIL, "embedded database", "SQLite cannot load: " + e.getMessage());
    }
  }

  private Check port() {
    try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return new Check(Level.OK, "API port", port + " is free");
    } catch (IOException e) {
      return new Check(
          Level.WARN, "API port", port + " is in use (another maestro serve?); use serve --port");
    }
  }

  /**
   * Node.js and npm run asl-validator, which the test suite uses on the Step Functions definition.
   */
  private static Check node() {
    String name = "Node.js (tests)";
    try {
      Process p = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
      boolean done = p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
      String version = new String(p.getInputStream().readAllBytes()).trim();
      if (done && p.exitValue() == 0)
        return new Check(
            Level.OK, name, "npm " + version + " (asl-validator is installed by the tests)");
      p.destroyForcibly();
    } catch (IOException e) {
      // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Check(
        Level.WARN,
        name,
        "npm not found: running maestro needs none, but ./mvnw verify validates the Step Functions"
            + " definition with asl-validator from npm; install Node.js 18 or newer");
  }

  /** The learned policy (v1) in shadow mode: ONNX Runtime loads, a model is found, the switch. */
  private static Check learnedPolicy(Path dataDir) {
    String name = "learned policy v1";
    try {
      LearnedPolicy learned = LocalLearnedPolicy.find(null, dataDir);
      boolean on = ShadowSwitchFile.in(dataDir).read().enabled();
      if (learned == null) {
        return new Check(
            Level.WARN,
            name,
            "no model found: decisions use the rules only (maestro policy train)");
      }
      return new Check(
          Level.OK,
          name,
          "model "
              + learned.version()
              + " scored by ONNX Runtime; shadow mode "
              + (on ? "on" : "off (maestro policy v1 on)"));
    } catch (RuntimeException | LinkageError e) {
      return new Check(
          Level.WARN, name, "cannot load (decisions use the rules only): " + e.getMessage());
    }
  }

  /** XGBoost, which maestro policy train uses, needs the GNU OpenMP runtime (libgomp1). */
  private static Check openMp() {
    String name = "OpenMP (libgomp)";
    for (String dir :
        List.of(
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
            "/lib")) {
      if (Files.exists(Path.of(dir, "libgomp.so.1"))) {
        return new Check(Level.OK, name, "found in " + dir + " (maestro policy train can run)");
      }
    }
    return new Check(
        Level.WARN,
        name,
        "libgomp.so.1 not found: maestro policy train (XGBoost) needs it; apt-get install libgomp1");
  }

  private static Check env(String cloud, String... names) {
    var present = new ArrayList<String>();
    for (String n : names) {
      if (System.getenv(n) != null) present.add(n);
    }
    return present.isEmpty()
        ? new Check(
            Level.OK, cloud, "not configured (optional: the embedded runtime needs no cloud)")
        : new Check(Level.OK, cloud, "configured via " + String.join(", ", present));
  }
}
