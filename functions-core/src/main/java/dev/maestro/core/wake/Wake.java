package dev.maestro.core.wake;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that may wake a continuation. Delivery is at-least-once, so {@code id} identifies the
 * wake for deduplication: the same id never runs a second tick.
 *
 * @param id unique wake id (timer id, signal id, stream message id)
 * @param kind where it came from
 * @param channel the timer id, signal kind, stream topic or publish tag
 * @param at when the wake was due or sent
 * @param payload data the wake carries (signal body, stream message); an empty object when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Wake(String id, WakeKind kind, String channel, Instant at, JsonNode payload) {

  public Wake {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(at, "at");
    payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
  }

  /** A timer wake for the timer {@code timerId} due at {@code at}. */
  public static Wake timer(String timerId, Instant at) {
    return new Wake(timerId, WakeKind.TIMER, timerId, at, null);
  }

  /** A human signal of {@code signalKind} (approve, redirect, kill). */
  public static Wake signal(String signalId, String signalKind, Instant at, JsonNode body) {
    return new Wake(signalId, WakeKind.SIGNAL, signalKind, at, body);
  }
}
