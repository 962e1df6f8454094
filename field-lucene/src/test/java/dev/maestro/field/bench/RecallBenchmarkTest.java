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

/** The benchmark's fallback path runs and reports its figures (no timing is asserted). */
class RecallBenchmarkTest {

  @TempDir Path dir;

  @Test
  void it_is_registered_under_the_name_recall() {
    assertThat(ServiceLoader.load(Benchmark.class).stream().map(p -> p.get().name()))
        .contains("recall");
  }

  @Test
  void without_scifact_it_indexes_the_shipped_corpus_repeated_to_10k_chunks() throws Exception {
    Map<String, Object> out =
        new RecallBenchmark()
            .run(
                dir,
                Map.of("scifact", dir.resolve("absent").toString(), "queries", "5", "warmup", "2"),
                new PrintStream(OutputStream.nullOutputStream()));
    assertThat((String) out.get("corpus")).startsWith("shipped licence corpus");
    assertThat((Integer) out.get("chunks")).isGreaterThanOrEqualTo(10_000);
    assertThat(out.get("mean_candidates")).isEqualTo(300L);
    assertThat(out).containsKeys("end_to_end", "retrieval_only", "query_embedding_only");
  }
}
