package dev.maestro.eval.bench;

import dev.maestro.aws.dynamodb.DynamoSchema;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.local.bench.Benchmark;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Handler cold init (BRIEF §13: JVM start to first response at most 2x a bare JVM hello-world).
 * Each run starts a fresh JVM on the class path a Lambda deployment of functions-aws carries (its
 * runtime dependencies, written by the build to {@code functions-aws/target/runtime-classpath.txt})
 * plus the probe: a hello-world, or a Lambda handler's container initialisation followed by one
 * event ({@link ColdStartProbe}): the API handler answering {@code GET /health}, and the tick's
 * acquire phase reading DynamoDB (DynamoDB Local, started here in server mode, over HTTP). Each
 * handler is measured plain, with an application class-data archive (AppCDS, made by a training run
 * first; Lambda can use one through {@code JAVA_TOOL_OPTIONS}), and primed at initialisation
 * ({@code MAESTRO_PRIME_ON_INIT=true}: the SnapStart priming hooks run before the first event, so
 * its first invocation time is what a container restored from a primed snapshot would show). Wall
 * time from process start to exit; medians over {@code runs}. Not included: the Lambda runtime's
 * bootstrap and SnapStart's restore, which need Lambda.
 */
public final class ColdStartBenchmark implements Benchmark {

  @Override
  public String name() {
    return "coldstart";
  }

  @Override
  public String description() {
    return "JVM start to first API / tick handler response vs a bare hello-world JVM (target <= 2x)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int runs = Stats.intParam(params, "runs", 7);
    if (runs < 1) throw new IllegalArgumentException("-P runs must be positive");
    String classPath = lambdaClassPath();
    String prefix = "coldstart-";
    int port = freePort();
    DynamoDBProxyServer dynamo =
        ServerRunner.createServerFromCommandLineArgs(
            new String[] {"-inMemory", "-port", String.valueOf(port), "-disableTelemetry"});
    dynamo.start();
    try {
      String endpoint = "http://127.0.0.1:" + port;
      try (DynamoDbClient client =
          DynamoDbClient.builder()
              .endpointOverride(URI.create(endpoint))
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
              .httpClient(UrlConnectionHttpClient.create())
              .build()) {
        DynamoSchema.createIfMissing(client, new DynamoTables(prefix));
      }
      Map<String, String> env =
          Map.of(
              "AWS_REGION", "us-east-1",
              "AWS_ACCESS_KEY_ID", "local",
              "AWS_SECRET_ACCESS_KEY", "local",
              "MAESTRO_TABLE_PREFIX", prefix,
              "MAESTRO_DYNAMODB_ENDPOINT", endpoint);
      Map<String, String> primed = new HashMap<>(env);
      primed.put("MAESTRO_PRIME_ON_INIT", "true");

      progress.println("coldstart: training runs to create the class-data archives...");
      Path apiArchive = workDir.resolve("api.jsa");
      Path tickArchive = workDir.resolve("tick.jsa");
      probe(classPath, "api", "200", List.of("-XX:ArchiveClassesAtExit=" + apiArchive), env);
      probe(classPath, "tick", "done", List.of("-XX:ArchiveClassesAtExit=" + tickArchive), env);

      var series = new LinkedHashMap<String, List<Run>>();
      for (String name :
          List.of(
              "hello", "api", "api_appcds", "api_primed", "tick", "tick_appcds", "tick_primed")) {
        series.put(name, new ArrayList<>());
      }
      for (int i = 0; i < runs; i++) {
        progress.printf("coldstart: run %d of %d%n", i + 1, runs);
        series.get("hello").add(probe(classPath, "hello", "hello", List.of(), env));
        series.get("api").add(probe(classPath, "api", "200", List.of(), env));
        series
            .get("api_appcds")
            .add(
                probe(
                    classPath, "api", "200", List.of("-XX:SharedArchiveFile=" + apiArchive), env));
        series.get("api_primed").add(probe(classPath, "api", "200", List.of(), primed));
        series.get("tick").add(probe(classPath, "tick", "done", List.of(), env));
        series
            .get("tick_appcds")
            .add(
                probe(
                    classPath,
                    "tick",
                    "done",
                    List.of("-XX:SharedArchiveFile=" + tickArchive),
                    env));
        series.get("tick_primed").add(probe(classPath, "tick", "done", List.of(), primed));
      }
      long helloMedian = median(series.get("hello").stream().map(Run::wallMs).toList());
      var out = new LinkedHashMap<String, Object>();
      out.put("runs", runs);
      out.put("hello_world_ms", Map.of("median", helloMedian));
      for (var e : series.entrySet()) {
        if (e.getKey().equals("hello")) continue;
        long wall = median(e.getValue().stream().map(Run::wallMs).toList());
        long first = median(e.getValue().stream().map(Run::firstInvokeUs).toList());
        var row = new LinkedHashMap<String, Object>();
        row.put("start_to_exit_median_ms", wall);
        row.put("ratio_to_hello", Stats.round((double) wall / helloMedian));
        row.put("first_invoke_median_ms", Stats.round(first / 1000.0));
        out.put(e.getKey(), row);
      }
      out.put("target_ratio", 2.0);
      out.put(
          "measured",
          "process start to exit, fresh JVM each run, the Lambda class path; first_invoke is the"
              + " handler call after initialisation; DynamoDB Local over HTTP on loopback");
      out.put("machine", Stats.machine());
      return out;
    } finally {
      dynamo.stop();
    }
  }

  private record Run(long wallMs, long firstInvokeUs) {}

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
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

  private static Run probe(
      String classPath,
      String mode,
      String expected,
      List<String> jvmOptions,
      Map<String, String> env)
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
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process p = builder.start();
    // The probe's answer, then its first-invocation time; the JVM may log (CDS notes) after them.
    List<String> lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(mode + " probe did not finish in 60 s");
    }
    long took = (System.nanoTime() - start) / 1_000_000;
    String answer = lines.isEmpty() ? "" : lines.getFirst().trim();
    if (p.exitValue() != 0 || !answer.equals(expected)) {
      throw new IllegalStateException(
          mode + " probe failed (exit " + p.exitValue() + ", printed " + lines + ")");
    }
    long firstInvoke =
        lines.stream()
            .filter(l -> l.startsWith("first_invoke_us="))
            .mapToLong(l -> Long.parseLong(l.substring("first_invoke_us=".length()).trim()))
            .findFirst()
            .orElse(0);
    return new Run(took, firstInvoke);
  }

  private static long median(List<Long> values) {
    var sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
