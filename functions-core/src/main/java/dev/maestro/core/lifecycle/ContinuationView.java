package dev.maestro.core.lifecycle;

import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.event.EventEnvelope;
import java.util.List;

/** A continuation's current state with its most recent events, as the API returns it. */
public record ContinuationView(Continuation continuation, List<EventEnvelope> recentEvents) {
  public ContinuationView {
    recentEvents = List.copyOf(recentEvents);
  }
}
