package dev.maestro.core.facts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A whole, valid event log: spawn, a timer tick that calls a model and then waits on the {@code
 * papers} topic (or a one-hour timeout), a stream wake whose tick calls a tool and completes.
 */
public final class Lifecycle {

  public static final TenantId TENANT = TenantId.of("acme");
  public static final ContinuationId ID = ContinuationId.of("0190a1b2-0000-7000-8000-0000000000c1");
  public static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  private Lifecycle() {}

  public static List<EventEnvelope> events() {
    var o = JsonNodeFactory.instance;
    var payloads =
        List.<EventPayload>of(
            new EventPayload.Spawn(
                Fixtures.goalFrame("Evidence brief on rumen-protected choline"),
                Lineage.root(ID),
                o.objectNode(),
                new WakeCondition.Timer("start", T0)),
            new EventPayload.Woken("start", WakeKind.TIMER, "start", o.objectNode()),
            new EventPayload.ModelCall(
                "call-1",
                "local",
                "local-small",
                "small",
                1000,
                200,
                850,
                new BigDecimal("0.0120"),
                "allowed",
                true),
            new EventPayload.BudgetCharged(
                "call-1", new BigDecimal("0.0120"), 1000, 200, "local-2024-05"),
            new EventPayload.Slept(
                new WakeCondition.AnyOf(
                    List.of(
                        new WakeCondition.Stream("papers", o.objectNode().put("kind", "preprint")),
                        new WakeCondition.Timer("timer-1", T0.plusSeconds(3600)))),
                "waiting for new preprints",
                o.objectNode().put("round", 1)),
            new EventPayload.Woken(
                "stream-0123456789abcdef0123456789abcdef01234567",
                WakeKind.STREAM,
                "papers",
                o.objectNode().put("kind", "preprint")),
            new EventPayload.ToolCall(
                "call-2", "search", o.objectNode().put("q", "choline"), o.objectNode(), true),
            new EventPayload.BudgetCharged(
                "call-2", new BigDecimal("0.0030"), 300, 100, "local-2024-05"),
            new EventPayload.Completed(o.objectNode().put("summary", "done"), null));
    int[] secondsAfterT0 = {0, 1, 2, 3, 4, 10, 11, 11, 12};
    var events = new ArrayList<EventEnvelope>();
    String prev = EventEnvelope.GENESIS;
    for (int i = 0; i < payloads.size(); i++) {
      var e =
          EventEnvelope.seal(
              ID,
              TENANT,
              i == 0 ? 0 : (i < 5 ? 1 : 2),
              i + 1,
              T0.plusSeconds(secondsAfterT0[i]),
              "4bf92f3577b34da6a3ce929d0e0e4736",
              String.format("00f067aa0ba902%02d", i),
              Runtime.MAESTRO,
              payloads.get(i),
              prev);
      events.add(e);
      prev = e.hash();
    }
    ContinuationFold.fold(events); // a log the core accepts
    return events;
  }

  public static Set<String> topicsOfTheSleep() {
    return Set.of("papers");
  }
}
