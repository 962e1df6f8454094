package dev.maestro.core.substrate;

import dev.maestro.core.event.EventEnvelope;
import java.util.Map;

/** Where metrics and appended events are reported (logs locally; CloudWatch / App Insights). */
public interface Observability {

  /** Records one value of a metric with tags. */
  void metric(String name, double value, Map<String, String> tags);

  /** Reports an event that was appended to a log. */
  void appended(EventEnvelope event);

  /**
   * Reports to this sink, then to {@code next}. Either one being {@link #NONE} gives the other
   * unchanged.
   */
  default Observability andThen(Observability next) {
    java.util.Objects.requireNonNull(next, "next");
    if (next == NONE) return this;
    if (this == NONE) return next;
    Observability first = this;
    return new Observability() {
      @Override
      public void metric(String name, double value, Map<String, String> tags) {
        first.metric(name, value, tags);
        next.metric(name, value, tags);
      }

      @Override
      public void appended(EventEnvelope event) {
        first.appended(event);
        next.appended(event);
      }
    };
  }

  /** Reports each appended event to {@code listener} and ignores metrics. */
  static Observability onAppended(java.util.function.Consumer<EventEnvelope> listener) {
    return new Observability() {
      @Override
      public void metric(String name, double value, Map<String, String> tags) {}

      @Override
      public void appended(EventEnvelope event) {
        listener.accept(event);
      }
    };
  }

  /** Reports nothing. */
  Observability NONE =
      new Observability() {
        @Override
        public void metric(String name, double value, Map<String, String> tags) {}

        @Override
        public void appended(EventEnvelope event) {}
      };
}
