package dev.maestro.eval.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.local.bench.Benchmark;
import dev.maestro.policy.onnx.LearnedPolicies;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harnesses do what they report, at toy sizes. This checks counts and structure,
 * never speed: the figures come from running {@code maestro bench}.
 */
class BenchmarksTest {

  @TempDir Path dir;
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

  @SuppressWarnings("unchecked")
  private static Map<String, Object> figures(Map<String, Object> result, String key) {
    return (Map<String, Object>) result.get(key);
  }

  @Test
  void givenTheServiceRegistry_whenLoaded_thenEveryBenchmarkIsFound() {
    assertThat(ServiceLoader.load(Benchmark.class).stream().map(p -> p.get().name()))
        .containsExactlyInAnyOrder(
            "append",
            "lifecycle",
            "wake",
            "dynamodb-append",
            "coldstart",
            "kernel",
            "kernel-v1",
            "fairness",
            "signal",
            "publish",
            "brief",
            "recall",
            "recall-structured",
            "rerank");
  }

  @Test
  void givenTwoBriefs_whenMeasured_thenEachIsPublishedUnderTheCostTarget() throws Exception {
    Map<String, Object> r = new BriefBenchmark().run(dir, Map.of("briefs", "2"), quiet);

    assertThat(figures(r, "wall_per_brief")).containsEntry("count", 2L);
    assertThat((BigDecimal) r.get("list_price_usd_per_brief_max"))
        .isPositive()
        .isLessThan(new BigDecimal("0.50"));
    assertThat((BigDecimal) r.get("list_price_usd_per_brief_at_output_caps_max"))
        .isGreaterThan((BigDecimal) r.get("list_price_usd_per_brief_max"))
        .isLessThan(new BigDecimal("0.50"));
    assertThat((double) r.get("children_per_brief")).isEqualTo(3.0);
    assertThat((double) r.get("claims_per_brief")).isPositive();
  }

  @Test
  void givenASmallAppendRun_whenMeasured_thenEveryEventIsTimed() throws Exception {
    Map<String, Object> r =
        new AppendBenchmark()
            .run(dir, Map.of("events", "400", "writers", "4", "warmup", "40"), quiet);

    assertThat(r).containsEntry("events", 400).containsEntry("writers", 4);
    assertThat(figures(r, "latency")).containsEntry("count", 400L);
    assertThat((Long) r.get("events_per_second")).isPositive();
  }

  @Test
  void givenASmallLifecycleRun_whenMeasured_thenEveryContinuationCompletes() throws Exception {
    Map<String, Object> r =
        new LifecycleBenchmark().run(dir, Map.of("continuations", "20", "creators", "2"), quiet);

    assertThat(figures(r, "create_to_complete")).containsEntry("count", 20L);
  }

  @Test
  void givenASmallWakeRun_whenMeasured_thenEveryTimerFiresAndNoneEarly() throws Exception {
    Map<String, Object> r =
        new WakeBenchmark().run(dir, Map.of("timers", "20", "lead-seconds", "2"), quiet);

    assertThat(figures(r, "lateness")).containsEntry("count", 20L);
    assertThat(r).containsEntry("early_fires", 0);
  }

  @Test
  void givenASmallDynamoRun_whenMeasured_thenEveryOfferedEventIsTimed() throws Exception {
    Map<String, Object> r =
        new DynamoAppendBenchmark()
            .run(
                dir,
                Map.of("rate", "100", "seconds", "1", "writers", "4", "warmup-seconds", "1"),
                quiet);

    assertThat(figures(r, "latency_from_due_time")).containsEntry("count", 100L);
    assertThat(r).containsEntry("events", 100L);
  }

  @Test
  void givenASmallKernelRun_whenMeasured_thenEveryDecisionIsTimed() {
    Map<String, Object> r =
        new KernelBenchmark()
            .run(dir, Map.of("decisions", "2000", "warmup", "200", "inputs", "500"), quiet);

    assertThat(r).containsEntry("decisions", 2000).containsEntry("distinct_inputs", 500);
    assertThat(figures(r, "latency")).containsEntry("count", 2000L);
    assertThat((Long) r.get("decisions_per_second")).isPositive();
  }

  @Test
  void givenASmallKernelV1Run_whenMeasured_thenEveryScoreIsTimedWithTheShippedModel() {
    Map<String, Object> r =
        new KernelV1Benchmark()
            .run(dir, Map.of("calls", "2000", "warmup", "200", "inputs", "300"), quiet);

    assertThat(r).containsEntry("calls", 2000).containsEntry("distinct_inputs", 300);
    assertThat(figures(r, "score_one_row")).containsEntry("count", 2000L);
    assertThat(figures(r, "suggest")).containsEntry("count", 2000L);
    assertThat(figures(r, "shadow_decide")).containsEntry("count", 2000L);
    assertThat((double) r.get("rows_per_suggest")).isBetween(2.0, 6.0);
    assertThat(r.get("model")).isEqualTo(LearnedPolicies.defaultManifest().orElseThrow().version());
  }

  @Test
  void givenASmallFairnessRun_whenSimulated_thenBothPoliciesServeTheSameArrivals() {
    Map<String, Object> r = new FairnessBenchmark().run(dir, Map.of("seconds", "30"), quiet);

    int arrivals = (Integer) r.get("arrivals");
    assertThat(arrivals).isPositive();
    for (String policy : new String[] {"fifo", "wfq"}) {
      Map<String, Object> p = figures(r, policy);
      long admitted = (Long) figures(p, "queueing_delay_ms").get("count");
      assertThat(
              admitted
                  + (Integer) p.get("still_queued_at_end")
                  + (Long) p.get("rejected_queue_full"))
          .isEqualTo(arrivals);
      assertThat((Double) p.get("jain_index")).isBetween(0.0, 1.0);
    }
    assertThat(r).containsKey("meets_target");
  }

  @Test
  void givenKnownAllocations_whenJainIsComputed_thenItMatchesTheDefinition() {
    assertThat(FairnessBenchmark.jain(java.util.List.of(1.0, 1.0, 1.0))).isEqualTo(1.0);
    assertThat(FairnessBenchmark.jain(java.util.List.of(1.0, 0.0, 0.0, 0.0))).isEqualTo(0.25);
    assertThat(
            FairnessBenchmark.maxMinFairShares(new double[] {10, 1, 10}, new double[] {1, 1, 2}, 9))
        .containsExactly(8.0 / 3, 1.0, 16.0 / 3);
  }

  @Test
  void givenANonNumericParameter_whenRun_thenItNamesTheParameter() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new AppendBenchmark().run(dir, Map.of("events", "lots"), quiet))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-P events");
  }
}
