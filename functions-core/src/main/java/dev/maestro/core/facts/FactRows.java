package dev.maestro.core.facts;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.WakeCondition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps one event to warm-store fact rows (the DDL is in {@code eval/sql/}): {@value #STEP} holds a
 * row per tick-closing event ({@code sleep}, {@code complete}, {@code error}) and per {@code
 * model_call}, {@code tool_call} and {@code budget_charge}; {@value #LIFECYCLE} a row per status
 * transition ({@code spawn}, {@code wake}, {@code sleep}, {@code fork}, {@code merge}, {@code
 * kill}, fatal {@code error}, {@code complete}). A pure function of the event, so a replayed record
 * yields the same bytes. Absent values are left out of the JSON (null columns). Free text that may
 * carry personal data (objectives, tool arguments, results, message bodies) is never copied.
 */
public final class FactRows {

  /** The step fact table. */
  public static final String STEP = "fact_continuation_step";

  /** The lifecycle fact table. */
  public static final String LIFECYCLE = "fact_continuation_lifecycle";

  private FactRows() {}

  /** The rows of {@code event}, each a UTF-8 JSON object followed by a newline. */
  public static List<byte[]> rows(EventEnvelope event) {
    var rows = new ArrayList<byte[]>();
    step(event).ifPresent(row -> rows.add(encode(row)));
    lifecycle(event).ifPresent(row -> rows.add(encode(row)));
    return rows;
  }

  static Optional<Map<String, Object>> step(EventEnvelope e) {
    Map<String, Object> row = common(STEP, e);
    switch (e.payload()) {
      case EventPayload.Slept s -> {
        row.put("wake_condition", conditionKind(s.until()));
        s.until().timer().ifPresent(t -> row.put("wake_at_ms", t.at().toEpochMilli()));
        row.put("reason", s.reason());
      }
      case EventPayload.Completed c -> {}
      case EventPayload.Failed f -> {
        row.put("error_code", f.code());
        row.put("fatal", f.fatal());
      }
      case EventPayload.ModelCall m -> {
        row.put("call_id", m.callId());
        row.put("provider", m.provider());
        row.put("model_id", m.modelId());
        row.put("tier", m.tier());
        row.put("tokens_in", m.tokensIn());
        row.put("tokens_out", m.tokensOut());
        row.put("latency_ms", m.latencyMs());
        row.put("usd", m.usd());
        row.put("safety_outcome", m.safetyOutcome());
        row.put("local_provider", m.local());
      }
      case EventPayload.ToolCall t -> {
        row.put("call_id", t.callId());
        row.put("tool", t.tool());
        row.put("ok", t.ok());
      }
      case EventPayload.BudgetCharged b -> {
        row.put("call_id", b.callId());
        row.put("tokens_in", b.tokensIn());
        row.put("tokens_out", b.tokensOut());
        row.put("usd", b.usd());
        row.put("price_table", b.priceTable());
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(row);
  }

  static Optional<Map<String, Object>> lifecycle(EventEnvelope e) {
    Map<String, Object> row = common(LIFECYCLE, e);
    switch (e.payload()) {
      case EventPayload.Spawn s -> {
        row.put("status_after", "created");
        row.put("root_id", s.lineage().root().value());
        if (!s.lineage().parents().isEmpty()) {
          row.put("parent_ids", Json.write(s.lineage().parents()));
        }
        row.put("wake_condition", conditionKind(s.firstWake()));
      }
      case EventPayload.Woken w -> {
        row.put("status_after", "running");
        row.put("wake_id", w.wakeId());
        row.put("wake_kind", w.kind().wire());
        row.put("wake_channel", w.channel());
      }
      case EventPayload.Slept s -> {
        row.put("status_after", s.until().isSleep() ? "sleeping" : "waiting");
        row.put("wake_condition", conditionKind(s.until()));
        s.until().timer().ifPresent(t -> row.put("wake_at_ms", t.at().toEpochMilli()));
        row.put("reason", s.reason());
      }
      // Fork and merge do not change the status; the column stays null.
      case EventPayload.Forked f -> row.put("child_id", f.child().value());
      case EventPayload.Merged m -> {
        row.put("merge_sources", Json.write(m.sources()));
        row.put("merge_function", m.mergeFunction());
      }
      case EventPayload.Killed k -> {
        row.put("status_after", "killed");
        row.put("reason", k.reason());
        row.put("killed_by", k.by());
      }
      case EventPayload.Failed f -> {
        if (!f.fatal()) return Optional.empty();
        row.put("status_after", "failed");
        row.put("error_code", f.code());
      }
      case EventPayload.Completed c -> row.put("status_after", "completed");
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(row);
  }

  private static Map<String, Object> common(String table, EventEnvelope e) {
    var row = new LinkedHashMap<String, Object>();
    row.put("table", table);
    row.put("tenant", e.tenant().value());
    row.put("continuation_id", e.continuationId().value());
    row.put("sequence", e.sequence());
    row.put("event_type", e.type().wire());
    row.put("occurred_at", e.timestamp().toString());
    row.put("occurred_at_ms", e.timestamp().toEpochMilli());
    row.put("generation", e.generation());
    row.put("trace_id", e.traceId());
    row.put("span_id", e.spanId());
    row.put("runtime", e.runtime().wire());
    return row;
  }

  /** The kind of a wake condition as its JSON names it ({@code timer}, {@code any_of}, ...). */
  static String conditionKind(WakeCondition condition) {
    return switch (condition) {
      case WakeCondition.Timer t -> "timer";
      case WakeCondition.Signal s -> "signal";
      case WakeCondition.Stream s -> "stream";
      case WakeCondition.Publish p -> "publish";
      case WakeCondition.AnyOf a -> "any_of";
    };
  }

  private static byte[] encode(Map<String, Object> row) {
    return (Json.write(row) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
