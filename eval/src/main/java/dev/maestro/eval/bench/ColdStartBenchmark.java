package dev.maestro.eval.bench;

import dev.maestro.local.bench.Benchmark;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Handler cold init (BRIEF §13: JVM start to first response at most 2x a bare JVM hello-world).
 * Each run starts a fresh JVM on the class path a Lambda deployment of functions-aws carries (its
 * runtime dependencies, written by the build to {@code functions-aws/target/
 * runtime-classpath.txt}) plus the probe: either a hello-world, or the API Lambda handler's
 * container initialisation (DynamoDB client, substrate, service, router) followed by one {@code GET
 * /health} event. Measured twice: a plain JVM, and one with an application class-data archive
 * (AppCDS, created by a training run first), which Lambda can use through {@code
 * JAVA_TOOL_OPTIONS}. Wall time from process start to exit; medians over {@code runs}. Not
 * included: the Lambda runtime's own bootstrap, SnapStart restore, and the first DynamoDB call's
 * connection set-up (the health route does not touch the store).
 */
public final class ColdStartBenchmark implements Benchmark {

  @Override
  public String name() {
    return "coldstart";
  }

  @Override
  public String description() {
    return "JVM start to first API handler response vs a bare hello-world JVM (target <= 2x)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int runs = Stats.intParam(params, "runs", 7);
    if (runs < 1) throw new IllegalArgumentException("-P runs must be positive");
    String classPath = lambdaClassPath();
    Path archive = workDir.resolve("api.jsa");
    progress.println("coldstart: training run to create the class-data archive...");
    time(classPath, "api", "200", List.of("-XX:ArchiveClassesAtExit=" + archive));
    var hello = new ArrayList<Long>();
    var api = new ArrayList<Long>();
    var apiCds = new ArrayList<Long>();
    for (int i = 0; i < runs; i++) {
      progress.printf("coldstart: run %d of %d%n", i + 1, runs);
      hello.add(time(classPath, "hello", "hello", List.of()));
      api.add(time(classPath, "api", "200", List.of()));
      apiCds.add(time(classPath, "api", "200", List.of("-XX:SharedArchiveFile=" + archive)));
    }
    long helloMedian = median(hello);
    var out = new LinkedHashMap<String, Object>();
    out.put("runs", runs);
    out.put("hello_world_ms", Map.of("median", helloMedian, "all", hello));
    out.put("api_handler_ms", Map.of("median", median(api), "all", api));
    out.put("api_handler_appcds_ms", Map.of("median", median(apiCds), "all", apiCds));
    out.put("ratio", Stats.round((double) median(api) / helloMedian));
    out.put("ratio_appcds", Stats.round((double) median(apiCds) / helloMedian));
    out.put("target_ratio", 2.0);
    out.put("measured", "process start to exit, fresh JVM each run, the Lambda class path");
    out.put("machine", Stats.machine());
    return out;
  }

  /** The functions-aws runtime class path plus this module's jar (for the probe class). */
  private static String lambdaClassPath() throws IOException {
    String own = System.getProperty("java.class.path");
    String probeJar = null;
    String awsJar = null;
    Path awsTarget = null;
    for (String entry : own.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      String file = p.getFileName() == null ? "" : p.getFileName().toString();
      if (file.startsWith("functions-aws-") && file.endsWith(".jar")) {
        awsJar = entry;
        awsTarget = p.getParent();
      }
      if (file.startsWith("maestro-eval-") && file.endsWith(".jar")) probeJar = entry;
    }
    Path runtime = awsTarget == null ? null : awsTarget.resolve("runtime-classpath.txt");
    if (probeJar == null || runtime == null || !java.nio.file.Files.exists(runtime)) {
      throw new IllegalStateException(
          "run through bin/maestro from a built checkout: needs functions-aws/target/"
              + "runtime-classpath.txt and the eval jar on the class path");
    }
    return probeJar
        + java.io.File.pathSeparator
        + awsJar
        + java.io.File.pathSeparator
        + java.nio.file.Files.readString(runtime).trim();
  }

  private static long time(String classPath, String mode, String expected, List<String> jvmOptions)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    var command = new ArrayList<String>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, ColdStartProbe.class.getName(), mode));
    var builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("AWS_REGION", "us-east-1");
    builder.environment().put("MAESTRO_TABLE_PREFIX", "coldstart-");
    long start = System.nanoTime();
    Process p = builder.start();
    // The first line is the probe's answer; the JVM may log (e.g. CDS notes) after it.
    String out =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .findFirst()
            .orElse("")
            .trim();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(mode + " probe did not finish in 60 s");
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    if (p.exitValue() != 0 || !out.equals(expected)) {
      throw new IllegalStateException(
          mode + " probe failed (exit " + p.exitValue() + ", printed '" + out + "')");
    }
    return took;
  }

  private static long median(List<Long> values) {
    var sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
