package dev.maestro.azure.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.InvalidStreamMessageException;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.stream.StreamMessages;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Stream wakes from an Event Grid subscription, in either delivery schema: the Event Grid schema
 * ({@code id}, {@code eventTime}, {@code data}) or CloudEvents 1.0 ({@code specversion}, {@code
 * id}, {@code time}, {@code data}). The event's {@code data} is the stream message; its {@code
 * message_id} defaults to the event id. A poison event is dead-lettered and the invocation
 * succeeds; a failed delivery throws, so Event Grid's retry policy and its dead-letter destination
 * apply.
 */
public final class EventGridWakeFunction {

  static final String SOURCE = "eventgrid";

  private final Function<DurableTaskClient, StreamIngest> ingest;
  private final Clock clock;

  /** The Functions host's constructor: the app instance's shared resources. */
  public EventGridWakeFunction() {
    this(
        client -> StreamResources.container().ingest(AzureRuntime.container(), client),
        Clock.systemUTC());
  }

  /**
   * @param ingest the ingest of one invocation, given its Durable client
   * @param clock stamps events without a time
   */
  public EventGridWakeFunction(Function<DurableTaskClient, StreamIngest> ingest, Clock clock) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @FunctionName("streamEventGrid")
  public void run(
      @EventGridTrigger(name = "event") String event,
      @DurableClientInput(name = "durableContext") DurableClientContext durableContext,
      ExecutionContext context) {
    accept(event, durableContext.getClient());
  }

  /** Processes one delivered event; throws when it must be retried. */
  public StreamIngest.Outcome accept(String raw, DurableTaskClient client) {
    JsonNode event = single(tree(raw));
    boolean cloudEvent = event != null && event.isObject() && event.has("specversion");
    String id = event == null ? null : text(event, "id");
    Instant time = time(event == null ? null : text(event, cloudEvent ? "time" : "eventTime"));
    return ingest
        .apply(client)
        .accept(SOURCE, id == null ? "unknown" : id, time, raw, () -> parse(event, id, cloudEvent));
  }

  private static StreamMessage parse(JsonNode event, String id, boolean cloudEvent) {
    if (event == null || !event.isObject()) {
      throw new InvalidStreamMessageException("", "not an Event Grid event (JSON object)");
    }
    if (cloudEvent && !"1.0".equals(text(event, "specversion"))) {
      throw new InvalidStreamMessageException("/specversion", "only CloudEvents 1.0 is read");
    }
    if (id == null) throw new InvalidStreamMessageException("/id", "required");
    JsonNode data = event.get("data");
    if (data == null || !data.isObject()) {
      throw new InvalidStreamMessageException("/data", "must be a JSON object");
    }
    return StreamMessages.parse(data, id);
  }

  /** Event Grid hands a trigger one event; an array of exactly one is accepted too. */
  private static JsonNode single(JsonNode node) {
    if (node != null && node.isArray() && node.size() == 1) return node.get(0);
    return node;
  }

  private Instant time(String time) {
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notIso) {
        // Not an RFC 3339 time: fall back to the arrival time here.
      }
    }
    return clock.instant();
  }

  private static JsonNode tree(String raw) {
    if (raw == null) return null;
    try {
      return Json.mapper().readTree(raw);
    } catch (IOException notJson) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.isObject() ? node.get(field) : null;
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
