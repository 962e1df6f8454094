package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.time.ManualClock;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import dev.maestro.local.store.SqliteSubstrate;
import dev.maestro.otel.MetricNames;
import dev.maestro.otel.OtelObservability;
import dev.maestro.otel.SpawnSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenTelemetry spans and metrics from continuations run on the embedded store: by hand (a hand
 * clock, wakes delivered one by one) and by the running embedded runtime.
 */
class OtelTracingTest {

  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");

  @TempDir Path dir;
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private SqliteSubstrate store;
  private OtelObservability otel;

  @AfterEach
  void close() {
    if (otel != null) otel.close();
    if (store != null) store.close();
  }

  /** Each step calls a model (charged), takes 120 ms, then sleeps once and completes. */
  private final class Metered implements Recipe {
    @Override
    public String name() {
      return "metered";
    }

    @Override
    public StepResult step(StepContext context) {
      int ticks = context.continuation().workingState().path("ticks").asInt(0) + 1;
      String call = "call-" + ticks;
      BigDecimal usd = new BigDecimal("0.0030");
      context.emit(
          new EventPayload.ModelCall(
              call, "local", "local-small", "small", 200, 50, 120, usd, "pass", true));
      context.emit(new EventPayload.BudgetCharged(call, usd, 200, 50, "list"));
      clock.advance(Duration.ofMillis(120));
      var state = JsonNodeFactory.instance.objectNode().put("ticks", ticks);
      return ticks == 1
          ? new StepResult.Sleep(context.timerAt(context.now().plusSeconds(60)), "wait", state)
          : new StepResult.Complete(JsonNodeFactory.instance.objectNode(), state);
    }
  }

  @Test
  void givenAContinuationTickedByHand_whenItCompletes_thenItsSpansAndMetricsTellTheStory() {
    store = SqliteSubstrate.open(dir.resolve("otel.db"));
    otel =
        OtelObservability.create(
            Resource.empty(),
            SimpleSpanProcessor.create(spans),
            metrics,
            SpawnSpans.fromLog(store.substrate().events()),
            false);
    var service = new ContinuationService(store.substrate(), clock, new SecureRandom(), otel);
    var engine =
        new TickEngine(
            store.substrate(),
            Recipes.of(new Metered()),
            clock,
            "w1",
            Duration.ofSeconds(10),
            otel,
            new SecureRandom());
    var goal =
        GoalFrame.of(
            "otel",
            BudgetLimits.ofUsd(BigDecimal.ONE, 0),
            "metered",
            JsonNodeFactory.instance.objectNode());
    Continuation created = service.create(ALICE, goal, null).continuation();
    var ref = new ContinuationRef(created.tenant(), created.id());

    engine.deliver(ref, Wake.timer(ContinuationService.START_TIMER, clock.instant()));
    clock.advance(Duration.ofSeconds(60));
    var timer = (WakeCondition.Timer) service.get(ALICE, ref.id()).continuation().wakeCondition();
    var sibling = JsonNodeFactory.instance.objectNode().put("traceparent", PARENT);
    engine.deliver(
        ref, new Wake(timer.timerId(), WakeKind.TIMER, timer.timerId(), clock.instant(), sibling));

    assertThat(service.get(ALICE, ref.id()).continuation().status()).isEqualTo(Status.COMPLETED);
    List<SpanData> exported = spans.getFinishedSpanItems();
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactly("spawn", "tick wake", "tick sleep", "tick wake", "tick complete");
    assertThat(exported).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(ref.id().traceId()));
    List<EventEnvelope> log = service.events(ALICE, ref.id(), 0, 100);
    assertThat(exported)
        .extracting(SpanData::getSpanId)
        .containsExactlyElementsOf(log.stream().map(EventEnvelope::spanId).distinct().toList());
    String spawnSpan = exported.get(0).getSpanId();
    assertThat(exported.subList(1, 5))
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(spawnSpan));

    SpanData sleep = exported.get(2);
    assertThat(sleep.getAttributes().get(AttributeKey.stringKey("maestro.continuation.id")))
        .isEqualTo(ref.id().value());
    assertThat(sleep.getAttributes().get(AttributeKey.stringKey("maestro.status")))
        .isEqualTo("SLEEPING");
    assertThat(sleep.getAttributes().get(AttributeKey.doubleKey("maestro.cost.usd")))
        .isEqualTo(0.003);
    assertThat(sleep.getAttributes().get(AttributeKey.stringArrayKey("maestro.event.types")))
        .containsExactly("model_call", "budget_charge", "sleep");
    assertThat(sleep.getAttributes().get(AttributeKey.longKey("maestro.sequence.first")))
        .isEqualTo(3);
    assertThat(exported.get(3).getLinks())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getSpanContext().getTraceId())
                  .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
              assertThat(l.getSpanContext().getSpanId()).isEqualTo("00f067aa0ba902b7");
            });

    Collection<MetricData> data = metrics.collectAllMetrics();
    Merged durations = histogram(data, MetricNames.TICK_DURATION);
    assertThat(durations.count()).isEqualTo(2);
    assertThat(durations.sum()).isEqualTo(240.0);
    assertThat(durations.max()).isEqualTo(120.0);
    assertThat(histogram(data, MetricNames.TICK_COST).sum()).isEqualTo(0.006);
    assertThat(counts(data, MetricNames.EVENTS_APPENDED, TYPE))
        .containsEntry("spawn", 1L)
        .containsEntry("wake", 2L)
        .containsEntry("model_call", 2L)
        .containsEntry("budget_charge", 2L)
        .containsEntry("sleep", 1L)
        .containsEntry("complete", 1L);
    assertThat(total(data, MetricNames.ACTIVE)).isZero();
    assertThat(total(data, MetricNames.SLEEPING)).isZero();
    assertThat(histogramPoints(data, "maestro.tick"))
        .extracting(p -> p.getAttributes().get(STATUS))
        .contains("SLEEPING", "COMPLETED");
  }

  @Test
  void
      givenTheRunningEmbeddedRuntime_whenContinuationsRunToTheEnd_thenEachIsOneTraceRootedAtItsSpawn() {
    otel =
        OtelObservability.create(
            Resource.empty(), SimpleSpanProcessor.create(spans), metrics, SpawnSpans.NONE, false);
    ContinuationId first;
    ContinuationId second;
    try (LocalRuntime runtime =
        LocalRuntime.start(LocalConfig.defaults(dir), otel, Recipes.builtIn())) {
      var params = JsonNodeFactory.instance.objectNode().put("sleep", "PT0.2S");
      var goal = GoalFrame.of("otel", BudgetLimits.ofUsd(BigDecimal.ONE, 0), "noop", params);
      first = runtime.service().create(ALICE, goal, null).continuation().id();
      second = runtime.service().create(ALICE, goal, null).continuation().id();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  runtime.service().get(ALICE, first).continuation().status() == Status.COMPLETED
                      && runtime.service().get(ALICE, second).continuation().status()
                          == Status.COMPLETED);
    }
    otel.forceFlush();

    Map<String, List<SpanData>> byTrace =
        spans.getFinishedSpanItems().stream().collect(Collectors.groupingBy(SpanData::getTraceId));
    assertThat(byTrace).containsOnlyKeys(first.traceId(), second.traceId());
    for (List<SpanData> trace : byTrace.values()) {
      assertThat(trace)
          .extracting(SpanData::getName)
          .containsExactly("spawn", "tick wake", "tick sleep", "tick wake", "tick complete");
      String root = trace.get(0).getSpanId();
      assertThat(trace.subList(1, trace.size()))
          .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(root));
    }
    Collection<MetricData> data = metrics.collectAllMetrics();
    assertThat(histogram(data, MetricNames.TICK_DURATION).count()).isEqualTo(4);
    assertThat(total(data, MetricNames.ACTIVE)).isZero();
    assertThat(total(data, MetricNames.SLEEPING)).isZero();
    assertThat(counts(data, MetricNames.EVENTS_APPENDED, TYPE)).containsEntry("complete", 2L);
  }

  private static MetricData metric(Collection<MetricData> data, String name) {
    return data.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private static List<HistogramPointData> histogramPoints(
      Collection<MetricData> data, String name) {
    return List.copyOf(metric(data, name).getHistogramData().getPoints());
  }

  /** A histogram's count, sum and max over all its attribute sets. */
  private record Merged(long count, double sum, double max) {}

  private static Merged histogram(Collection<MetricData> data, String name) {
    List<HistogramPointData> points = histogramPoints(data, name);
    return new Merged(
        points.stream().mapToLong(HistogramPointData::getCount).sum(),
        points.stream().mapToDouble(HistogramPointData::getSum).sum(),
        points.stream().mapToDouble(HistogramPointData::getMax).max().orElse(Double.NaN));
  }

  private static Map<String, Long> counts(
      Collection<MetricData> data, String name, AttributeKey<String> key) {
    return data.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .collect(
            Collectors.toMap(p -> p.getAttributes().get(key), LongPointData::getValue, Long::sum));
  }

  private static long total(Collection<MetricData> data, String name) {
    return metric(data, name).getLongSumData().getPoints().stream()
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
