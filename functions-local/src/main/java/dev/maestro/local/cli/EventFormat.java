package dev.maestro.local.cli;

import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;

/** One readable line per event, for the terminal. */
final class EventFormat {

  private EventFormat() {}

  static String line(EventEnvelope e) {
    return String.format(
        "  #%-4d %-13s gen %-3d %s  %s",
        e.sequence(), e.type().wire(), e.generation(), e.timestamp(), detail(e.payload()));
  }

  static String detail(EventPayload payload) {
    return switch (payload) {
      case EventPayload.Spawn s ->
          "objective=\""
              + abbreviate(s.goalFrame().objective(), 60)
              + "\" recipe="
              + s.goalFrame().recipe()
              + " budget=$"
              + s.goalFrame().budget().maxUsd().toPlainString();
      case EventPayload.Woken w -> "wake " + w.wakeId() + " (" + w.kind().wire() + ")";
      case EventPayload.Slept s -> s.reason() + " -> " + Json.write(s.until());
      case EventPayload.Completed c -> "result " + Json.write(c.result());
      case EventPayload.Killed k -> "by " + k.by() + ": " + k.reason();
      case EventPayload.HumanSignal h -> h.kind() + " from " + h.by();
      case EventPayload.Failed f -> (f.fatal() ? "fatal " : "") + f.code() + ": " + f.message();
      case EventPayload.BudgetCharged b -> "$" + b.usd().toPlainString() + " for " + b.callId();
      case EventPayload.ModelCall m ->
          m.provider() + "/" + m.modelId() + " " + m.tokensIn() + "+" + m.tokensOut() + " tokens";
      case EventPayload.ToolCall t -> t.tool() + (t.ok() ? " ok" : " failed");
      case EventPayload.Published p -> "to " + p.tag();
      case EventPayload.Forked f -> "child " + f.child();
      case EventPayload.Merged m -> m.sources().size() + " sources via " + m.mergeFunction();
      case EventPayload.Decided d ->
          d.action()
              + (d.tier() == null
                  ? ""
                  : " " + d.tier() + " on " + d.runtime().wire() + " -> " + d.branch())
              + " "
              + d.ruleIds();
    };
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
