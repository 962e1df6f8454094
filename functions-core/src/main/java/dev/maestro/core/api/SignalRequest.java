package dev.maestro.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.tick.TickEngine;
import java.util.Set;

/**
 * The body of {@code POST /continuations/{id}/signals}: a signal kind and an optional JSON object
 * the recipe (or, for {@code kill}, the tick engine) reads. A kill's {@code body.reason}, when
 * given, must be a string, since it becomes the recorded kill reason.
 */
record SignalRequest(String kind, JsonNode body) {

  private static final Set<String> FIELDS = Set.of("kind", "body");

  /** Parses {@code json} into {@code v}; returns null when anything was wrong. */
  static SignalRequest parse(JsonNode json, Violations v) {
    if (json == null) return null; // unreadable: already reported by whoever parsed it
    if (!json.isObject()) {
      v.add("", "must be a JSON object");
      return null;
    }
    GoalFrameParser.unknownFields(json, "", FIELDS, v);
    JsonNode kindNode = json.get("kind");
    String kind = null;
    if (kindNode == null) {
      v.add("/kind", "is required");
    } else if (!kindNode.isTextual() || !TickEngine.SIGNAL_KINDS.contains(kindNode.textValue())) {
      v.add("/kind", "must be one of " + TickEngine.SIGNAL_KINDS);
    } else {
      kind = kindNode.textValue();
    }
    JsonNode body = json.get("body");
    if (body != null && !body.isObject()) {
      v.add("/body", "must be a JSON object");
      body = null;
    }
    if (body != null && "kill".equals(kind) && body.has("reason")) {
      GoalFrameParser.text(body, "/body", "reason", false, GoalFrameParser.MAX_TEXT_CHARS, v);
    }
    return v.isEmpty() ? new SignalRequest(kind, body) : null;
  }
}
