package dev.maestro.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.wake.WakeKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The {@link Observability} port on OpenTelemetry. Appended events become spans and metrics with no
 * help from the tick engine:
 *
 * <ul>
 *   <li>One span per append batch (the events one append wrote: a {@code spawn}; a tick's {@code
 *       wake}; its effects and closing event), whose trace id and span id are the events' own (so
 *       one continuation is one trace, {@code ContinuationId.traceId()}), named for what happened
 *       ({@code spawn}, {@code tick wake}, {@code tick sleep}, {@code tick complete}, ...), from
 *       the first event's timestamp to the last's. The spawn span is the trace's root; every other
 *       span is its child (the spawn's span id is remembered when seen here, else read once per
 *       continuation through {@link SpawnSpans}). A {@code wake} whose payload carries a W3C {@code
 *       traceparent} links to that span.
 *   <li>Metrics (names in {@link MetricNames}): tick duration and cost histograms, active and
 *       sleeping continuations as up-down counters, appended events and errors as counters, and
 *       every {@link #metric} call as a histogram {@code maestro.<name>}.
 * </ul>
 *
 * <p>The port reports one event at a time, so batches are reassembled: consecutive events of a
 * continuation with the same span id and generation form a batch, which ends at an event that
 * always ends one (spawn, sleep, complete, kill, error; a wake that is not a signal's; a human
 * signal that is not a kill) or when the continuation's next event carries another span id, or at
 * {@link #forceFlush} / {@link #close}.
 *
 * <p>Observability never fails the work it watches: a span whose parent cannot be looked up is
 * exported without one.
 */
public final class OtelObservability implements Observability, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OtelObservability.class.getName());
  private static final String SCOPE = "dev.maestro";
  private static final int REMEMBERED = 10_000;
  private static final Pattern INSTRUMENT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_./-]{0,254}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

  static final AttributeKey<String> CONTINUATION =
      AttributeKey.stringKey("maestro.continuation.id");
  static final AttributeKey<String> TENANT = AttributeKey.stringKey("maestro.tenant");
  static final AttributeKey<Long> GENERATION = AttributeKey.longKey("maestro.generation");
  static final AttributeKey<Long> SEQUENCE_FIRST = AttributeKey.longKey("maestro.sequence.first");
  static final AttributeKey<Long> SEQUENCE_LAST = AttributeKey.longKey("maestro.sequence.last");
  static final AttributeKey<List<String>> EVENT_TYPES =
      AttributeKey.stringArrayKey("maestro.event.types");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("maestro.status");
  static final AttributeKey<Double> COST = AttributeKey.doubleKey("maestro.cost.usd");
  static final AttributeKey<List<String>> MODELS = AttributeKey.stringArrayKey("maestro.model.ids");
  static final AttributeKey<List<String>> TIERS =
      AttributeKey.stringArrayKey("maestro.model.tiers");
  static final AttributeKey<String> RUNTIME = AttributeKey.stringKey("maestro.runtime");
  static final AttributeKey<String> WAKE_ID = AttributeKey.stringKey("maestro.wake.id");
  static final AttributeKey<String> WAKE_KIND = AttributeKey.stringKey("maestro.wake.kind");
  static final AttributeKey<String> WAKE_CHANNEL = AttributeKey.stringKey("maestro.wake.channel");
  static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("maestro.error.code");
  static final AttributeKey<Boolean> ERROR_FATAL = AttributeKey.booleanKey("maestro.error.fatal");
  static final AttributeKey<String> LINK_SOURCE = AttributeKey.stringKey("maestro.link.source");

  /** Metric attributes. */
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");

  static final AttributeKey<String> STATUS_TAG = AttributeKey.stringKey("status");
  static final AttributeKey<String> RUNTIME_TAG = AttributeKey.stringKey("runtime");
  static final AttributeKey<String> CODE_TAG = AttributeKey.stringKey("code");
  static final AttributeKey<Boolean> FATAL_TAG = AttributeKey.booleanKey("fatal");

  private static final List<Double> COST_BUCKETS =
      List.of(0.0, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0);

  private final SdkTracerProvider tracerProvider;
  private final SdkMeterProvider meterProvider;
  private final Tracer tracer;
  private final Meter meter;
  private final SpawnSpans spawnSpans;
  private final boolean flushEachTick;
  private final Duration flushTimeout;

  private final DoubleHistogram tickDuration;
  private final DoubleHistogram tickCost;
  private final LongUpDownCounter active;
  private final LongUpDownCounter sleeping;
  private final LongCounter appendedEvents;
  private final LongCounter errors;
  private final Map<String, DoubleHistogram> reported = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  // Guarded by this: the open batch per continuation, spawn span ids and the last wake seen.
  private final Map<ContinuationId, List<EventEnvelope>> open = new HashMap<>();
  private final Map<ContinuationId, String> spawnSpanIds = bounded();
  private final Map<ContinuationId, EventEnvelope> lastWake = bounded();

  private OtelObservability(
      Resource resource,
      SpanProcessor spans,
      MetricReader metrics,
      SpawnSpans spawnSpans,
      boolean flushEachTick,
      Duration flushTimeout) {
    this.tracerProvider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setIdGenerator(new EventIds())
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(spans)
            .build();
    SdkMeterProviderBuilder meters = SdkMeterProvider.builder().setResource(resource);
    if (metrics != null) meters.registerMetricReader(metrics);
    this.meterProvider = meters.build();
    this.tracer = tracerProvider.get(SCOPE);
    this.meter = meterProvider.get(SCOPE);
    this.spawnSpans = Objects.requireNonNull(spawnSpans, "spawnSpans");
    this.flushEachTick = flushEachTick;
    this.flushTimeout = flushTimeout;
    this.tickDuration =
        meter
            .histogramBuilder(MetricNames.TICK_DURATION)
            .setUnit("ms")
            .setDescription("A tick, from its wake event to its closing event")
            .build();
    this.tickCost =
        meter
            .histogramBuilder(MetricNames.TICK_COST)
            .setUnit("USD")
            .setDescription("What one tick spent at list prices")
            .setExplicitBucketBoundariesAdvice(COST_BUCKETS)
            .build();
    this.active =
        meter
            .upDownCounterBuilder(MetricNames.ACTIVE)
            .setUnit("{continuation}")
            .setDescription("Continuations not yet completed, killed or failed")
            .build();
    this.sleeping =
        meter
            .upDownCounterBuilder(MetricNames.SLEEPING)
            .setUnit("{continuation}")
            .setDescription("Continuations waiting for a wake")
            .build();
    this.appendedEvents =
        meter
            .counterBuilder(MetricNames.EVENTS_APPENDED)
            .setUnit("{event}")
            .setDescription("Events appended to continuation logs")
            .build();
    this.errors =
        meter
            .counterBuilder(MetricNames.ERRORS)
            .setUnit("{event}")
            .setDescription("error events appended")
            .build();
  }

  /**
   * An instance exporting through {@code spans} and {@code metrics} (null: metrics are not read).
   * With {@code flushEachTick}, every tick's closing batch forces both out before returning (for
   * functions whose process may be frozen between invocations).
   */
  public static OtelObservability create(
      Resource resource,
      SpanProcessor spans,
      MetricReader metrics,
      SpawnSpans spawnSpans,
      boolean flushEachTick) {
    return new OtelObservability(
        resource, spans, metrics, spawnSpans, flushEachTick, Duration.ofSeconds(10));
  }

  /**
   * The OTLP/HTTP exporting instance {@code env} configures for {@code runtime} ({@link
   * OtlpSettings}), or empty when no endpoint is set: nothing is built and nothing costs.
   *
   * @param serverless export each span as it ends and flush metrics after every tick (a function
   *     instance may be frozen or dropped between invocations); otherwise export in the background
   *     in batches
   * @throws IllegalStateException naming a malformed variable
   */
  public static Optional<OtelObservability> fromEnvironment(
      String runtime, Map<String, String> env, SpawnSpans spawnSpans, boolean serverless) {
    return OtlpSettings.fromEnvironment(runtime, env)
        .map(settings -> fromSettings(settings, spawnSpans, serverless));
  }

  /** The OTLP/HTTP exporting instance for {@code settings}. */
  public static OtelObservability fromSettings(
      OtlpSettings settings, SpawnSpans spawnSpans, boolean serverless) {
    var spanExporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(settings.tracesEndpoint().toString())
            .setTimeout(settings.timeout());
    settings.headers().forEach(spanExporter::addHeader);
    SpanExporter exporter = spanExporter.build();
    SpanProcessor processor =
        serverless
            ? SimpleSpanProcessor.create(exporter)
            : BatchSpanProcessor.builder(exporter).build();
    MetricReader reader = null;
    if (settings.metricsEndpoint() != null) {
      var metricExporter =
          OtlpHttpMetricExporter.builder()
              .setEndpoint(settings.metricsEndpoint().toString())
              .setTimeout(settings.timeout());
      settings.headers().forEach(metricExporter::addHeader);
      reader =
          PeriodicMetricReader.builder(metricExporter.build())
              .setInterval(settings.metricInterval())
              .build();
    }
    AttributesBuilder resource = Attributes.builder();
    settings.resourceAttributes().forEach(resource::put);
    resource.put(AttributeKey.stringKey("service.name"), settings.serviceName());
    return new OtelObservability(
        Resource.getDefault().merge(Resource.create(resource.build())),
        processor,
        reader,
        spawnSpans,
        serverless,
        settings.timeout());
  }

  @Override
  public void metric(String name, double value, Map<String, String> tags) {
    String instrument = name.startsWith(MetricNames.REPORTED_PREFIX) ? name : "maestro." + name;
    if (!INSTRUMENT_NAME.matcher(instrument).matches()) {
      instrument = instrument.replaceAll("[^A-Za-z0-9_./-]", "_");
    }
    AttributesBuilder attributes = Attributes.builder();
    tags.forEach(attributes::put);
    reported
        .computeIfAbsent(instrument, n -> meter.histogramBuilder(n).build())
        .record(value, attributes.build());
  }

  @Override
  public void appended(EventEnvelope event) {
    List<List<EventEnvelope>> ready = new ArrayList<>(2);
    synchronized (this) {
      ContinuationId id = event.continuationId();
      List<EventEnvelope> batch = open.get(id);
      if (batch != null && !sameBatch(batch.get(0), event)) {
        ready.add(open.remove(id));
        batch = null;
      }
      count(event, batch);
      if (batch == null) batch = new ArrayList<>(4);
      batch.add(event);
      if (endsBatch(event)) {
        open.remove(id);
        ready.add(batch);
      } else {
        open.put(id, batch);
      }
      if (event.type() == EventType.SPAWN) spawnSpanIds.put(id, event.spanId());
      if (event.type() == EventType.WAKE) lastWake.put(id, event);
    }
    for (List<EventEnvelope> b : ready) emit(b);
  }

  /** Ends every open batch and exports what is pending; waits at most the export timeout. */
  public void forceFlush() {
    List<List<EventEnvelope>> ready;
    synchronized (this) {
      ready = new ArrayList<>(open.values());
      open.clear();
    }
    for (List<EventEnvelope> b : ready) emit(b);
    tracerProvider.forceFlush().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
    meterProvider.forceFlush().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Flushes, then shuts the exporters down. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    forceFlush();
    tracerProvider.shutdown().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
    meterProvider.shutdown().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static boolean sameBatch(EventEnvelope first, EventEnvelope next) {
    return first.spanId().equals(next.spanId()) && first.generation() == next.generation();
  }

  /** Whether {@code event} is always the last of its append (see the class comment). */
  static boolean endsBatch(EventEnvelope event) {
    return switch (event.payload()) {
      case EventPayload.Spawn s -> true;
      case EventPayload.Slept s -> true;
      case EventPayload.Completed c -> true;
      case EventPayload.Killed k -> true;
      case EventPayload.Failed f -> true;
      case EventPayload.Woken w -> w.kind() != WakeKind.SIGNAL;
      case EventPayload.HumanSignal h -> !"kill".equals(h.kind());
      default -> false;
    };
  }

  /**
   * Counts one event. The continuation gauges follow status transitions: a spawn is active and
   * waiting (+1 active, +1 sleeping); a wake starts a tick (−1 sleeping); a sleep ends one (+1
   * sleeping); complete and a fatal error end a running continuation (−1 active); a kill ends a
   * waiting one (−1 active, and −1 sleeping unless its batch holds the wake that started a tick).
   */
  private void count(EventEnvelope event, List<EventEnvelope> batchSoFar) {
    Attributes byType =
        Attributes.of(TYPE, event.type().wire(), RUNTIME_TAG, event.runtime().wire());
    appendedEvents.add(1, byType);
    switch (event.payload()) {
      case EventPayload.Spawn s -> {
        active.add(1);
        sleeping.add(1);
      }
      case EventPayload.Woken w -> sleeping.add(-1);
      case EventPayload.Slept s -> sleeping.add(1);
      case EventPayload.Completed c -> active.add(-1);
      case EventPayload.Failed f -> {
        errors.add(1, Attributes.of(CODE_TAG, f.code(), FATAL_TAG, f.fatal()));
        if (f.fatal()) active.add(-1);
      }
      case EventPayload.Killed k -> {
        active.add(-1);
        boolean woken =
            batchSoFar != null && batchSoFar.stream().anyMatch(e -> e.type() == EventType.WAKE);
        if (!woken) sleeping.add(-1);
      }
      default -> {}
    }
  }

  private void emit(List<EventEnvelope> batch) {
    EventEnvelope first = batch.get(0);
    EventEnvelope last = batch.get(batch.size() - 1);
    String traceId =
        TraceId.isValid(first.traceId()) ? first.traceId() : first.continuationId().traceId();
    String spanId = SpanId.isValid(first.spanId()) ? first.spanId() : null;

    SpanBuilder builder =
        tracer
            .spanBuilder(spanName(batch))
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(first.timestamp());
    Optional<String> parent =
        first.type() == EventType.SPAWN ? Optional.empty() : spawnSpanId(first);
    if (parent.isPresent() && !parent.get().equals(spanId)) {
      builder.setParent(
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.createFromRemoteParent(
                          traceId,
                          parent.get(),
                          TraceFlags.getSampled(),
                          TraceState.getDefault()))));
    } else {
      builder.setNoParent();
    }
    Summary summary = summarize(batch);
    builder.setAllAttributes(attributes(batch, summary));
    for (EventEnvelope e : batch) {
      if (e.payload() instanceof EventPayload.Woken w) {
        traceparent(w.payload())
            .ifPresent(
                link -> builder.addLink(link, Attributes.of(LINK_SOURCE, "wake.traceparent")));
      }
    }
    Span span = EventIds.with(traceId, spanId, builder::startSpan);
    if (summary.error != null) span.setStatus(StatusCode.ERROR, summary.error.message());
    span.end(last.timestamp());

    if (closesTick(last)) {
      recordTick(batch, summary);
      if (flushEachTick) {
        tracerProvider.forceFlush().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
        meterProvider.forceFlush().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private static boolean closesTick(EventEnvelope last) {
    return switch (last.type()) {
      case SLEEP, COMPLETE, ERROR, KILL -> true;
      default -> false;
    };
  }

  private void recordTick(List<EventEnvelope> batch, Summary summary) {
    EventEnvelope first = batch.get(0);
    EventEnvelope last = batch.get(batch.size() - 1);
    EventEnvelope wake;
    synchronized (this) {
      wake = lastWake.get(first.continuationId());
      if (wake != null && wake.generation() == last.generation() && last.type() != EventType.ERROR)
        lastWake.remove(first.continuationId());
    }
    EventEnvelope from =
        wake != null
                && wake.generation() == last.generation()
                && wake.sequence() < first.sequence() + batch.size()
            ? wake
            : first;
    double ms = Duration.between(from.timestamp(), last.timestamp()).toNanos() / 1e6;
    Attributes tags =
        Attributes.of(
            STATUS_TAG,
            summary.status == null ? "UNKNOWN" : summary.status.name(),
            RUNTIME_TAG,
            last.runtime().wire());
    tickDuration.record(Math.max(0, ms), tags);
    tickCost.record(summary.cost.doubleValue(), tags);
  }

  private Optional<String> spawnSpanId(EventEnvelope event) {
    synchronized (this) {
      String known = spawnSpanIds.get(event.continuationId());
      if (known != null) return Optional.of(known);
    }
    Optional<String> found;
    try {
      found = spawnSpans.spanId(event.tenant(), event.continuationId());
    } catch (RuntimeException e) {
      // A failed look-up costs the span its parent, never the tick its work.
      LOG.log(
          System.Logger.Level.DEBUG,
          "no spawn span for " + event.continuationId() + ": " + e.getMessage());
      return Optional.empty();
    }
    found
        .filter(SpanId::isValid)
        .ifPresent(
            s -> {
              synchronized (this) {
                spawnSpanIds.put(event.continuationId(), s);
              }
            });
    return found.filter(SpanId::isValid);
  }

  /** The span's name: {@code spawn}, {@code tick <closing>}, {@code tick wake}, or the type. */
  static String spanName(List<EventEnvelope> batch) {
    EventEnvelope first = batch.get(0);
    EventEnvelope last = batch.get(batch.size() - 1);
    if (first.type() == EventType.SPAWN) return "spawn";
    if (closesTick(last)) return "tick " + last.type().wire();
    if (first.type() == EventType.WAKE) return "tick wake";
    return first.type().wire();
  }

  /** What a batch amounts to: the status after it, what it spent, models used, its error. */
  private record Summary(
      Status status,
      BigDecimal cost,
      Set<String> models,
      Set<String> tiers,
      EventPayload.Failed error) {}

  private static Summary summarize(List<EventEnvelope> batch) {
    Status status = null;
    BigDecimal charged = BigDecimal.ZERO;
    Map<String, BigDecimal> calls = new LinkedHashMap<>();
    Set<String> chargedCalls = new HashSet<>();
    Set<String> models = new LinkedHashSet<>();
    Set<String> tiers = new LinkedHashSet<>();
    EventPayload.Failed error = null;
    for (EventEnvelope e : batch) {
      switch (e.payload()) {
        case EventPayload.Spawn s -> status = Status.CREATED;
        case EventPayload.Woken w -> status = Status.RUNNING;
        case EventPayload.Slept s ->
            status = s.until().isSleep() ? Status.SLEEPING : Status.WAITING;
        case EventPayload.Completed c -> status = Status.COMPLETED;
        case EventPayload.Killed k -> status = Status.KILLED;
        case EventPayload.Failed f -> {
          error = f;
          if (f.fatal()) status = Status.FAILED;
        }
        case EventPayload.BudgetCharged c -> {
          charged = charged.add(c.usd());
          chargedCalls.add(c.callId());
        }
        case EventPayload.ModelCall m -> {
          calls.put(m.callId(), m.usd());
          models.add(m.modelId());
          tiers.add(m.tier());
        }
        default -> {}
      }
    }
    // A model call's price is normally charged as budget_charge too; count each call once.
    BigDecimal cost = charged;
    for (var call : calls.entrySet()) {
      if (!chargedCalls.contains(call.getKey())) cost = cost.add(call.getValue());
    }
    return new Summary(status, cost, models, tiers, error);
  }

  private static Attributes attributes(List<EventEnvelope> batch, Summary summary) {
    EventEnvelope first = batch.get(0);
    EventEnvelope last = batch.get(batch.size() - 1);
    AttributesBuilder a =
        Attributes.builder()
            .put(CONTINUATION, first.continuationId().value())
            .put(TENANT, first.tenant().value())
            .put(GENERATION, first.generation())
            .put(SEQUENCE_FIRST, first.sequence())
            .put(SEQUENCE_LAST, last.sequence())
            .put(EVENT_TYPES, batch.stream().map(e -> e.type().wire()).toList())
            .put(RUNTIME, first.runtime().wire());
    if (summary.status != null) a.put(STATUS, summary.status.name());
    if (summary.cost.signum() > 0 || closesTick(last)) a.put(COST, summary.cost.doubleValue());
    if (!summary.models.isEmpty()) {
      a.put(MODELS, List.copyOf(summary.models));
      a.put(TIERS, List.copyOf(summary.tiers));
    }
    for (EventEnvelope e : batch) {
      if (e.payload() instanceof EventPayload.Woken w) {
        a.put(WAKE_ID, w.wakeId()).put(WAKE_KIND, w.kind().name()).put(WAKE_CHANNEL, w.channel());
      }
    }
    if (summary.error != null) {
      a.put(ERROR_CODE, summary.error.code()).put(ERROR_FATAL, summary.error.fatal());
    }
    return a.build();
  }

  /** The span a W3C {@code traceparent} field of {@code payload} names, if valid. */
  static Optional<SpanContext> traceparent(JsonNode payload) {
    JsonNode field = payload == null ? null : payload.get("traceparent");
    if (field == null || !field.isTextual()) return Optional.empty();
    var m = TRACEPARENT.matcher(field.asText().trim());
    if (!m.matches() || m.group(1).equals("ff")) return Optional.empty();
    if (m.group(1).equals("00") && m.group(5) != null) return Optional.empty();
    String trace = m.group(2);
    String span = m.group(3);
    if (!TraceId.isValid(trace) || !SpanId.isValid(span)) return Optional.empty();
    byte flags = (byte) Integer.parseInt(m.group(4), 16);
    return Optional.of(
        SpanContext.createFromRemoteParent(
            trace, span, TraceFlags.fromByte(flags), TraceState.getDefault()));
  }

  private static <K, V> Map<K, V> bounded() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
