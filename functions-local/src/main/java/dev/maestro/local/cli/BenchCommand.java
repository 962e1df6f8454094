package dev.maestro.local.cli;

import dev.maestro.core.json.Json;
import dev.maestro.local.bench.Benchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maestro bench <name>}: runs a benchmark from the eval module and prints its figures. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a benchmark (BRIEF §13) and prints p50/p99 and throughput.",
      "Without a name, lists them."
    })
final class BenchCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Benchmark to run.")
  String name;

  @Option(names = "--json", description = "Print the figures as one JSON document on stdout.")
  boolean json;

  @Option(
      names = "-P",
      paramLabel = "KEY=VALUE",
      description = "Benchmark parameter (repeatable), e.g. -P events=50000.")
  Map<String, String> params = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    List<Benchmark> all =
        ServiceLoader.load(Benchmark.class).stream()
            .map(ServiceLoader.Provider::get)
            .sorted(Comparator.comparing(Benchmark::name))
            .toList();
    if (name == null) {
      if (all.isEmpty())
        System.out.println(
            "No benchmarks on the class path (they ship in the eval module; use bin/maestro).");
      all.forEach(b -> System.out.printf("  %-12s %s%n", b.name(), b.description()));
      return 0;
    }
    Benchmark bench = all.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    if (bench == null) {
      System.err.println(
          "No benchmark named '"
              + name
              + "'. Available: "
              + String.join(", ", all.stream().map(Benchmark::name).toList()));
      return 2;
    }
    Path work = Files.createTempDirectory("maestro-bench-" + name + "-");
    try {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("benchmark", bench.name());
      result.putAll(bench.run(work, params, System.err));
      if (json) {
        System.out.println(
            Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
      } else {
        result.forEach((k, v) -> System.out.printf("  %-24s %s%n", k, Json.write(v)));
      }
      return 0;
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
