package dev.maestro.core.security.pii;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.wake.WakeKind;

/**
 * Applies a {@link Redactor} to the parts of event payloads that carry text from outside or from
 * models: the goal frame's objective, audience, constraints, success criteria and parameters;
 * working states; wake payloads (a stream message's body, a signal's body); signal bodies; tool
 * arguments and results; published content; fork overrides; results; sleep and kill reasons; error
 * messages. Identifiers, hashes, amounts, routing names and who sent a signal are left alone.
 * Payloads without such parts (model calls' metering, budget charges, merges, decisions) pass
 * through unchanged.
 */
public final class PayloadRedaction {

  private PayloadRedaction() {}

  /** {@code payload} redacted, each replacement counted in {@code tally}; itself if unchanged. */
  public static EventPayload redact(EventPayload payload, Redactor redactor, Redactor.Tally tally) {
    if (!redactor.active()) return payload;
    return switch (payload) {
      case EventPayload.Spawn s -> {
        GoalFrame goal = redact(s.goalFrame(), redactor, tally);
        JsonNode state = redactor.redact(s.workingState(), tally);
        yield goal == s.goalFrame() && state == s.workingState()
            ? s
            : new EventPayload.Spawn(
                goal,
                s.lineage(),
                state,
                s.firstWake(),
                s.forkedFrom(),
                s.mergedFrom(),
                s.mergeFunction());
      }
      case EventPayload.Woken w -> {
        JsonNode body = wakePayload(w.kind(), w.payload(), redactor, tally);
        yield body == w.payload()
            ? w
            : new EventPayload.Woken(w.wakeId(), w.kind(), w.channel(), body);
      }
      case EventPayload.ToolCall t -> {
        JsonNode arguments = redactor.redact(t.arguments(), tally);
        JsonNode result = redactor.redact(t.result(), tally);
        yield arguments == t.arguments() && result == t.result()
            ? t
            : new EventPayload.ToolCall(t.callId(), t.tool(), arguments, result, t.ok());
      }
      case EventPayload.Published p -> {
        JsonNode content = redactor.redact(p.content(), tally);
        yield content == p.content() ? p : new EventPayload.Published(p.tag(), content);
      }
      case EventPayload.Forked f -> {
        String objective = f.objective() == null ? null : redactor.redact(f.objective(), tally);
        JsonNode parameters = redactor.redact(f.parameters(), tally);
        yield same(objective, f.objective()) && parameters == f.parameters()
            ? f
            : new EventPayload.Forked(
                f.child(), f.atSequence(), f.childBudget(), objective, parameters);
      }
      case EventPayload.Slept s -> {
        String reason = redactor.redact(s.reason(), tally);
        JsonNode state = redactor.redact(s.workingState(), tally);
        yield same(reason, s.reason()) && state == s.workingState()
            ? s
            : new EventPayload.Slept(s.until(), reason, state);
      }
      case EventPayload.Killed k -> {
        String reason = redactor.redact(k.reason(), tally);
        yield same(reason, k.reason()) ? k : new EventPayload.Killed(reason, k.by());
      }
      case EventPayload.HumanSignal h -> {
        JsonNode body = redactor.redact(h.body(), tally);
        yield body == h.body()
            ? h
            : new EventPayload.HumanSignal(h.signalId(), h.kind(), h.by(), body);
      }
      case EventPayload.Failed f -> {
        String message = redactor.redact(f.message(), tally);
        yield same(message, f.message())
            ? f
            : new EventPayload.Failed(f.code(), message, f.fatal());
      }
      case EventPayload.Completed c -> {
        JsonNode result = redactor.redact(c.result(), tally);
        JsonNode state = redactor.redact(c.workingState(), tally);
        yield result == c.result() && state == c.workingState()
            ? c
            : new EventPayload.Completed(result, state);
      }
      case EventPayload.ModelCall m -> m;
      case EventPayload.BudgetCharged c -> c;
      case EventPayload.Merged m -> m;
      case EventPayload.Decided d -> d;
    };
  }

  /** The free-text parts of {@code goal} redacted; {@code goal} itself if unchanged. */
  public static GoalFrame redact(GoalFrame goal, Redactor redactor, Redactor.Tally tally) {
    if (!redactor.active()) return goal;
    String objective = redactor.redact(goal.objective(), tally);
    String audience = redactor.redact(goal.audience(), tally);
    var constraints = redactor.redact(goal.constraints(), tally);
    var criteria = redactor.redact(goal.successCriteria(), tally);
    JsonNode parameters = redactor.redact(goal.parameters(), tally);
    if (same(objective, goal.objective())
        && same(audience, goal.audience())
        && constraints == goal.constraints()
        && criteria == goal.successCriteria()
        && parameters == goal.parameters()) return goal;
    return new GoalFrame(
        objective,
        audience,
        goal.deliverableSchema(),
        constraints,
        goal.channels(),
        goal.budget(),
        goal.deadline(),
        criteria,
        goal.policyClass(),
        goal.region(),
        goal.recipe(),
        parameters);
  }

  /**
   * A wake's payload redacted: a signal's {@code body} (who sent it stays), any other wake's whole
   * payload (a stream message or a sibling's published content).
   */
  public static JsonNode wakePayload(
      WakeKind kind, JsonNode payload, Redactor redactor, Redactor.Tally tally) {
    if (payload == null || !redactor.active()) return payload;
    if (kind == WakeKind.SIGNAL && payload.isObject() && payload.has("body")) {
      JsonNode body = redactor.redact(payload.get("body"), tally);
      if (body == payload.get("body")) return payload;
      var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) payload).deepCopy();
      copy.set("body", body);
      return copy;
    }
    if (kind == WakeKind.SIGNAL) return payload;
    return redactor.redact(payload, tally);
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }
}
