package dev.maestro.field.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.local.bench.Benchmark;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The structured recall benchmark runs over the shipped table (no timing is asserted). */
class StructuredRecallBenchmarkTest {

  @TempDir Path dir;

  @Test
  void itIsRegisteredAndReportsLatencyAndAccuracyOverTheShippedTable() throws Exception {
    assertThat(ServiceLoader.load(Benchmark.class).stream().map(p -> p.get().name()))
        .contains("recall-structured");

    Map<String, Object> out =
        new StructuredRecallBenchmark()
            .run(
                dir,
                Map.of("queries", "6", "warmup", "3"),
                new PrintStream(OutputStream.nullOutputStream()));

    assertThat((String) out.get("table")).startsWith("spdx-licenses (727 records");
    assertThat(out.get("mean_candidates")).isEqualTo(300L);
    @SuppressWarnings("unchecked")
    Map<String, Object> top1 = (Map<String, Object>) out.get("top1_accuracy");
    assertThat(top1.get("id_pair")).isEqualTo(1.0);
    assertThat(out).containsKeys("end_to_end", "meets_target");
  }
}
