package dev.maestro.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans and metrics from a recorded event sequence, appended the way the tick engine appends. */
class OtelObservabilityTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OtelObservability otel =
      OtelObservability.create(
          Resource.empty(), SimpleSpanProcessor.create(spans), metrics, SpawnSpans.NONE, false);

  @AfterEach
  void close() {
    otel.close();
  }

  private void report(List<EventEnvelope> events) {
    events.forEach(otel::appended);
  }

  /**
   * Spawn, a tick that sleeps after a model call, a tick (woken with a traceparent) that completes.
   */
  private RecordedLog twoTicks() {
    var log = new RecordedLog(T0);
    log.spawn(T0);
    log.nextGeneration();
    log.append(T0, wake("start", JsonNodeFactory.instance.objectNode()));
    log.append(
        T0.plusMillis(250),
        RecordedLog.modelCall("c1", "0.0020"),
        RecordedLog.charge("c1", "0.0020"),
        new EventPayload.Slept(
            new WakeCondition.Timer("timer-4", T0.plusSeconds(60)), "later", null));
    log.nextGeneration();
    ObjectNode carried =
        JsonNodeFactory.instance
            .objectNode()
            .put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    log.append(T0.plusSeconds(60), wake("timer-4", carried));
    log.append(
        T0.plusSeconds(60).plusMillis(40),
        RecordedLog.modelCall("c2", "0.0010"),
        RecordedLog.modelCall("c3", "0.0005"),
        RecordedLog.charge("c2", "0.0010"),
        new EventPayload.Completed(JsonNodeFactory.instance.objectNode(), null));
    return log;
  }

  private static EventPayload.Woken wake(String id, ObjectNode payload) {
    return new EventPayload.Woken(id, WakeKind.TIMER, id, payload);
  }

  @Test
  void givenAContinuationThroughTwoTicks_whenReported_thenOneSpanPerAppendUnderOneTrace() {
    RecordedLog log = twoTicks();

    report(log.events);

    List<SpanData> exported = spans.getFinishedSpanItems();
    assertThat(exported)
        .extracting(SpanData::getName)
        .containsExactly("spawn", "tick wake", "tick sleep", "tick wake", "tick complete");
    assertThat(exported).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(log.id.traceId()));
    // Each span's id is its batch's span id, so a span is found from any of its events.
    assertThat(exported)
        .extracting(SpanData::getSpanId)
        .containsExactlyElementsOf(
            log.events.stream().map(EventEnvelope::spanId).distinct().toList());
    SpanData spawn = exported.get(0);
    assertThat(spawn.getParentSpanContext().isValid()).isFalse();
    assertThat(exported.subList(1, 5))
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(spawn.getSpanId()));
  }

  @Test
  void givenATickBatch_whenReported_thenItsSpanCarriesRangeTypesStatusCostAndModels() {
    RecordedLog log = twoTicks();

    report(log.events);

    SpanData sleep = spans.getFinishedSpanItems().get(2);
    Attributes a = sleep.getAttributes();
    assertThat(a.get(OtelObservability.CONTINUATION)).isEqualTo(log.id.value());
    assertThat(a.get(OtelObservability.TENANT)).isEqualTo("acme");
    assertThat(a.get(OtelObservability.SEQUENCE_FIRST)).isEqualTo(3);
    assertThat(a.get(OtelObservability.SEQUENCE_LAST)).isEqualTo(5);
    assertThat(a.get(OtelObservability.EVENT_TYPES))
        .containsExactly("model_call", "budget_charge", "sleep");
    assertThat(a.get(OtelObservability.STATUS)).isEqualTo("SLEEPING");
    assertThat(a.get(OtelObservability.COST)).isEqualTo(0.002);
    assertThat(a.get(OtelObservability.MODELS)).containsExactly("local-small");
    assertThat(a.get(OtelObservability.TIERS)).containsExactly("small");
    assertThat(sleep.getStartEpochNanos()).isEqualTo(nanos(T0.plusMillis(250)));
    assertThat(sleep.getEndEpochNanos()).isEqualTo(nanos(T0.plusMillis(250)));
    // c3 was never charged: its model-call price counts once, c2's charge once.
    SpanData complete = spans.getFinishedSpanItems().get(4);
    assertThat(complete.getAttributes().get(OtelObservability.COST)).isEqualTo(0.0015);
    assertThat(complete.getAttributes().get(OtelObservability.STATUS)).isEqualTo("COMPLETED");
  }

  @Test
  void givenAWakeCarryingATraceparent_whenReported_thenItsSpanLinksToThatSpan() {
    report(twoTicks().events);

    SpanData secondWake = spans.getFinishedSpanItems().get(3);
    assertThat(secondWake.getLinks()).hasSize(1);
    var link = secondWake.getLinks().get(0).getSpanContext();
    assertThat(link.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(link.getSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(spans.getFinishedSpanItems().get(1).getLinks()).isEmpty();
  }

  @Test
  void givenTwoTicks_whenReported_thenDurationCostCountersAndGaugesHaveTheirValues() {
    report(twoTicks().events);

    HistogramPointData duration = histogram(MetricNames.TICK_DURATION, "SLEEPING");
    assertThat(duration.getCount()).isEqualTo(1);
    assertThat(duration.getSum()).isEqualTo(250.0);
    assertThat(histogram(MetricNames.TICK_DURATION, "COMPLETED").getSum()).isEqualTo(40.0);
    assertThat(histogram(MetricNames.TICK_COST, "SLEEPING").getSum()).isEqualTo(0.002);
    assertThat(histogram(MetricNames.TICK_COST, "COMPLETED").getSum()).isEqualTo(0.0015);
    Map<String, Long> byType = countsBy(MetricNames.EVENTS_APPENDED, "type");
    assertThat(byType)
        .containsEntry("spawn", 1L)
        .containsEntry("wake", 2L)
        .containsEntry("model_call", 3L)
        .containsEntry("budget_charge", 2L)
        .containsEntry("sleep", 1L)
        .containsEntry("complete", 1L);
    assertThat(sum(MetricNames.ACTIVE)).isZero();
    assertThat(sum(MetricNames.SLEEPING)).isZero();
  }

  @Test
  void givenASleepingContinuation_whenKilled_thenItIsNeitherActiveNorSleeping() {
    var log = new RecordedLog(T0);
    log.spawn(T0);
    log.nextGeneration();
    log.append(T0, wake("start", JsonNodeFactory.instance.objectNode()));
    log.append(
        T0, new EventPayload.Slept(new WakeCondition.Timer("t", T0.plusSeconds(60)), "r", null));
    report(log.events);
    assertThat(sum(MetricNames.ACTIVE)).isEqualTo(1);
    assertThat(sum(MetricNames.SLEEPING)).isEqualTo(1);

    log.nextGeneration();
    report(
        log.append(
            T0.plusSeconds(5),
            new EventPayload.HumanSignal(
                "s1", "kill", "alice", JsonNodeFactory.instance.objectNode()),
            new EventPayload.Killed("enough", "alice")));

    assertThat(sum(MetricNames.ACTIVE)).isZero();
    assertThat(sum(MetricNames.SLEEPING)).isZero();
    SpanData kill = spans.getFinishedSpanItems().get(3);
    assertThat(kill.getName()).isEqualTo("tick kill");
    assertThat(kill.getAttributes().get(OtelObservability.EVENT_TYPES))
        .containsExactly("human_signal", "kill");
  }

  @Test
  void givenAFatalError_whenReported_thenTheSpanIsAnErrorAndTheErrorIsCounted() {
    var log = new RecordedLog(T0);
    log.spawn(T0);
    log.nextGeneration();
    log.append(T0, wake("start", JsonNodeFactory.instance.objectNode()));
    log.append(T0.plusMillis(3), new EventPayload.Failed("step_failed", "boom", true));
    report(log.events);

    SpanData failed = spans.getFinishedSpanItems().get(2);
    assertThat(failed.getName()).isEqualTo("tick error");
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(OtelObservability.STATUS)).isEqualTo("FAILED");
    assertThat(failed.getAttributes().get(OtelObservability.ERROR_CODE)).isEqualTo("step_failed");
    assertThat(countsBy(MetricNames.ERRORS, "code")).containsEntry("step_failed", 1L);
    assertThat(sum(MetricNames.ACTIVE)).isZero();
    assertThat(sum(MetricNames.SLEEPING)).isZero();
  }

  @Test
  void givenTicksOfAContinuationSpawnedElsewhere_whenReported_thenTheSpawnSpanIsLookedUpOnce() {
    RecordedLog log = twoTicks();
    var lookups = new AtomicInteger();
    var elsewhere = InMemorySpanExporter.create();
    List<SpanData> exported;
    try (var fromLog =
        OtelObservability.create(
            Resource.empty(),
            SimpleSpanProcessor.create(elsewhere),
            null,
            (tenant, id) -> {
              lookups.incrementAndGet();
              return Optional.of(log.events.get(0).spanId());
            },
            false)) {
      log.events.subList(1, log.events.size()).forEach(fromLog::appended);
      exported = elsewhere.getFinishedSpanItems();
    }

    assertThat(exported)
        .hasSize(4)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(log.events.get(0).spanId()));
    assertThat(lookups).hasValue(1);
  }

  @Test
  void givenAnOpenBatch_whenTheNextEventHasAnotherSpan_thenTheOpenBatchIsEndedFirst() {
    var log = new RecordedLog(T0);
    log.spawn(T0);
    log.nextGeneration();
    // A signal wake is followed by its human_signal in the same append; here the append is cut
    // short and the next append (another span) must still close it.
    log.append(
        T0,
        new EventPayload.Woken(
            "s1", WakeKind.SIGNAL, "approve", JsonNodeFactory.instance.objectNode()));
    log.append(
        T0.plusMillis(9),
        new EventPayload.Slept(new WakeCondition.Timer("t", T0.plusSeconds(60)), "r", null));
    report(log.events);

    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("spawn", "tick wake", "tick sleep");
    assertThat(histogram(MetricNames.TICK_DURATION, "SLEEPING").getSum()).isEqualTo(9.0);
  }

  @Test
  void givenAMetricCall_whenReported_thenItIsAHistogramWithItsTags() {
    otel.metric("field.cache.hit_rate", 0.75, Map.of("channel", "events"));
    otel.metric("field.cache.hit_rate", 0.25, Map.of("channel", "events"));

    MetricData data = metric("maestro.field.cache.hit_rate");
    HistogramPointData point = data.getHistogramData().getPoints().iterator().next();
    assertThat(point.getAttributes().get(AttributeKey.stringKey("channel"))).isEqualTo("events");
    assertThat(point.getCount()).isEqualTo(2);
    assertThat(point.getSum()).isEqualTo(1.0);
  }

  @Test
  void givenTraceparents_whenParsed_thenOnlyValidOnesAreLinks() {
    assertThat(
            OtelObservability.traceparent(
                JsonNodeFactory.instance
                    .objectNode()
                    .put("traceparent", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")))
        .isEmpty();
    assertThat(
            OtelObservability.traceparent(
                JsonNodeFactory.instance.objectNode().put("traceparent", "garbage")))
        .isEmpty();
    assertThat(OtelObservability.traceparent(JsonNodeFactory.instance.objectNode())).isEmpty();
  }

  private static long nanos(Instant at) {
    return Duration.between(Instant.EPOCH, at).toNanos();
  }

  private Collection<MetricData> collected;

  private MetricData metric(String name) {
    if (collected == null) collected = metrics.collectAllMetrics();
    return collected.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + collected));
  }

  private HistogramPointData histogram(String name, String status) {
    return metric(name).getHistogramData().getPoints().stream()
        .filter(p -> status.equals(p.getAttributes().get(OtelObservability.STATUS_TAG)))
        .findFirst()
        .orElseThrow();
  }

  private Map<String, Long> countsBy(String name, String key) {
    return metric(name).getLongSumData().getPoints().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                p -> p.getAttributes().get(AttributeKey.stringKey(key)),
                LongPointData::getValue,
                Long::sum));
  }

  private long sum(String name) {
    collected = null;
    return metric(name).getLongSumData().getPoints().stream()
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
