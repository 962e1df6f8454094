package dev.maestro.eval.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Latency summaries from an HdrHistogram of nanoseconds, reported in milliseconds. */
final class Stats {

  private Stats() {}

  static Histogram histogram() {
    return new Histogram(3_600_000_000_000L, 3);
  }

  static Map<String, Object> millis(Histogram h) {
    var out = new LinkedHashMap<String, Object>();
    out.put("count", h.getTotalCount());
    out.put("p50_ms", round(h.getValueAtPercentile(50) / 1e6));
    out.put("p90_ms", round(h.getValueAtPercentile(90) / 1e6));
    out.put("p99_ms", round(h.getValueAtPercentile(99) / 1e6));
    out.put("max_ms", round(h.getMaxValue() / 1e6));
    out.put("mean_ms", round(h.getMean() / 1e6));
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static int intParam(Map<String, String> params, String name, int fallback) {
    String v = params.get(name);
    if (v == null) return fallback;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-P " + name + " must be an integer, got '" + v + "'");
    }
  }

  static Map<String, Object> machine() {
    var out = new LinkedHashMap<String, Object>();
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    out.put("java", Runtime.version().toString());
    out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return out;
  }

  /** Latency figures of {@code h} (nanoseconds) in microseconds. */
  static Map<String, Object> micros(Histogram h) {
    var out = new LinkedHashMap<String, Object>();
    out.put("count", h.getTotalCount());
    out.put("p50_us", round(h.getValueAtPercentile(50) / 1e3));
    out.put("p90_us", round(h.getValueAtPercentile(90) / 1e3));
    out.put("p99_us", round(h.getValueAtPercentile(99) / 1e3));
    out.put("p99_9_us", round(h.getValueAtPercentile(99.9) / 1e3));
    out.put("max_us", round(h.getMaxValue() / 1e3));
    out.put("mean_us", round(h.getMean() / 1e3));
    return out;
  }
}
