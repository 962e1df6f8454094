package dev.maestro.core.substrate;

import dev.maestro.core.event.EventEnvelope;
import java.util.Map;

/** Where metrics and appended events are reported (logs locally; CloudWatch / App Insights). */
public interface Observability {

  /** Records one value of a metric with tags. */
  void metric(String name, double value, Map<String, String> tags);

  /** Reports an event that was appended to a log. */
  void appended(EventEnvelope event);

  /** Reports nothing. */
  Observability NONE =
      new Observability() {
        @Override
        public void metric(String name, double value, Map<String, String> tags) {}

        @Override
        public void appended(EventEnvelope event) {}
      };
}
