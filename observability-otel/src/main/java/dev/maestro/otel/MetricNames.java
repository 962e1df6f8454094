package dev.maestro.otel;

import java.util.List;

/**
 * The names of the metrics {@link OtelObservability} emits; dashboards refer to these and a test
 * keeps them in step.
 */
public final class MetricNames {

  /** Histogram, milliseconds: a tick from its {@code wake} event to its closing event. */
  public static final String TICK_DURATION = "maestro.tick.duration";

  /** Histogram, USD: what one tick spent (budget charges, plus model calls without a charge). */
  public static final String TICK_COST = "maestro.tick.cost";

  /** Up-down counter: continuations not yet terminal. */
  public static final String ACTIVE = "maestro.continuations.active";

  /** Up-down counter: continuations waiting for a wake (created, sleeping or waiting). */
  public static final String SLEEPING = "maestro.continuations.sleeping";

  /** Counter: events appended, by {@code type}. */
  public static final String EVENTS_APPENDED = "maestro.events.appended";

  /** Counter: {@code error} events appended, by {@code code} and {@code fatal}. */
  public static final String ERRORS = "maestro.errors";

  /**
   * Histogram: the tick engine's own {@code metric("tick", 1, {status})} report, one per finished
   * tick (its count is the tick rate by status).
   */
  public static final String TICKS = "maestro.tick";

  /** Prefix of the histograms that carry what is reported through {@code metric(name, ...)}. */
  public static final String REPORTED_PREFIX = "maestro.";

  /** The metrics every deployment's dashboards show. */
  public static final List<String> MAIN =
      List.of(TICK_DURATION, TICK_COST, ACTIVE, SLEEPING, EVENTS_APPENDED, ERRORS);

  private MetricNames() {}
}
