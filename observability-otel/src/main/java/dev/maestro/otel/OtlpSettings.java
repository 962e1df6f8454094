package dev.maestro.otel;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how spans and metrics are exported over OTLP (HTTP, protobuf), read from the standard
 * OpenTelemetry environment variables:
 *
 * <ul>
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT}: the collector's base URL ({@code
 *       http://localhost:4318}); spans go to {@code /v1/traces}, metrics to {@code /v1/metrics}.
 *       Unset (and no per-signal endpoint): export is off.
 *   <li>{@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT}:
 *       full per-signal URLs, used as given.
 *   <li>{@code OTEL_EXPORTER_OTLP_HEADERS}: {@code key=value,key2=value2} (URL-encoded values).
 *   <li>{@code OTEL_EXPORTER_OTLP_PROTOCOL}: {@code http/protobuf} (the only one supported).
 *   <li>{@code OTEL_EXPORTER_OTLP_TIMEOUT}: milliseconds per export (default 10000).
 *   <li>{@code OTEL_SERVICE_NAME}: default {@code maestro-<runtime>}.
 *   <li>{@code OTEL_RESOURCE_ATTRIBUTES}: {@code key=value,...} added to the resource.
 *   <li>{@code OTEL_METRIC_EXPORT_INTERVAL}: milliseconds between metric exports (default 60000).
 *   <li>{@code OTEL_SDK_DISABLED}: {@code true} turns export off whatever else is set.
 * </ul>
 *
 * @param tracesEndpoint where spans are POSTed
 * @param metricsEndpoint where metrics are POSTed, or null for no metric export
 * @param headers sent with every export
 * @param serviceName the resource's {@code service.name}
 * @param resourceAttributes further resource attributes
 * @param timeout per export
 * @param metricInterval between metric exports
 */
public record OtlpSettings(
    URI tracesEndpoint,
    URI metricsEndpoint,
    Map<String, String> headers,
    String serviceName,
    Map<String, String> resourceAttributes,
    Duration timeout,
    Duration metricInterval) {

  /** The base endpoint variable; export is on when it (or a per-signal endpoint) is set. */
  public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";

  public OtlpSettings {
    headers = Map.copyOf(headers);
    resourceAttributes = Map.copyOf(resourceAttributes);
  }

  /**
   * The settings in {@code env} for {@code runtime} ({@code local}, {@code aws}, {@code azure}), or
   * empty when export is off.
   *
   * @throws IllegalStateException naming the variable that is malformed
   */
  public static Optional<OtlpSettings> fromEnvironment(String runtime, Map<String, String> env) {
    if ("true".equalsIgnoreCase(value(env, "OTEL_SDK_DISABLED"))) return Optional.empty();
    String base = value(env, ENDPOINT);
    String traces = value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    String metrics = value(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
    if (base == null && traces == null) return Optional.empty();
    String protocol = value(env, "OTEL_EXPORTER_OTLP_PROTOCOL");
    if (protocol != null && !protocol.equals("http/protobuf")) {
      throw new IllegalStateException(
          "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the only protocol supported), not "
              + protocol);
    }
    URI tracesUri =
        traces != null
            ? uri(traces, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            : uri(signal(base, "traces"), ENDPOINT);
    URI metricsUri =
        metrics != null
            ? uri(metrics, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
            : base != null ? uri(signal(base, "metrics"), ENDPOINT) : null;
    String service = value(env, "OTEL_SERVICE_NAME");
    return Optional.of(
        new OtlpSettings(
            tracesUri,
            metricsUri,
            pairs(env, "OTEL_EXPORTER_OTLP_HEADERS"),
            service != null ? service : "maestro-" + runtime,
            pairs(env, "OTEL_RESOURCE_ATTRIBUTES"),
            millis(env, "OTEL_EXPORTER_OTLP_TIMEOUT", Duration.ofSeconds(10)),
            millis(env, "OTEL_METRIC_EXPORT_INTERVAL", Duration.ofSeconds(60))));
  }

  /** {@code env} with {@link #ENDPOINT} set to {@code endpoint} (a command-line override). */
  public static Map<String, String> withEndpoint(Map<String, String> env, String endpoint) {
    if (endpoint == null || endpoint.isBlank()) return env;
    var copy = new LinkedHashMap<>(env);
    copy.put(ENDPOINT, endpoint);
    return copy;
  }

  private static String signal(String base, String signal) {
    return (base.endsWith("/") ? base : base + "/") + "v1/" + signal;
  }

  private static URI uri(String value, String name) {
    try {
      URI uri = URI.create(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
        throw new IllegalArgumentException("not http(s)");
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " must be an http(s) URL, not " + value, e);
    }
  }

  private static Map<String, String> pairs(Map<String, String> env, String name) {
    String value = value(env, name);
    var out = new LinkedHashMap<String, String>();
    if (value == null) return out;
    for (String pair : value.split(",")) {
      if (pair.isBlank()) continue;
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new IllegalStateException(name + " must be key=value pairs, not " + pair);
      out.put(
          pair.substring(0, eq).trim(),
          URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Duration millis(Map<String, String> env, String name, Duration fallback) {
    String value = value(env, name);
    if (value == null) return fallback;
    try {
      long ms = Long.parseLong(value);
      if (ms <= 0) throw new NumberFormatException("not positive");
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a positive number of milliseconds", e);
    }
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
