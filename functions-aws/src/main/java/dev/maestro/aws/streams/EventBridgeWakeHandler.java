package dev.maestro.aws.streams;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.InvalidStreamMessageException;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * Stream wakes from an EventBridge rule (asynchronous invocation). The event's {@code detail} is
 * the stream message; its {@code message_id} defaults to the event id. The event is read as a JSON
 * tree rather than the events library's {@code ScheduledEvent}, which would need Joda-Time for
 * {@code time}. A poison event is dead-lettered and the invocation succeeds; a failed delivery
 * throws, so Lambda's asynchronous retries and the function's own dead-letter target or destination
 * apply. Environment: {@code MAESTRO_TABLE_PREFIX}.
 */
public final class EventBridgeWakeHandler implements RequestStreamHandler {

  static final String SOURCE = "eventbridge";

  private static final class Container {
    static final StreamIngest INGEST = AwsStreamIngest.fromRuntime(AwsRuntime.container());
  }

  private final StreamIngest ingest;
  private final Clock clock;

  /** The Lambda runtime's constructor: shares the container's wiring. */
  public EventBridgeWakeHandler() {
    this(Container.INGEST, Clock.systemUTC());
  }

  /** Explicit wiring (local invocation, tests); {@code clock} stamps records without a time. */
  public EventBridgeWakeHandler(StreamIngest ingest, Clock clock) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    String raw = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    JsonNode event = tree(raw);
    String id = event == null ? null : text(event, "id");
    String recordId = id == null ? "unknown" : id;
    StreamIngest.Outcome outcome =
        ingest.accept(
            SOURCE,
            recordId,
            time(event),
            raw,
            () -> {
              if (event == null || !event.isObject()) {
                throw new InvalidStreamMessageException("", "not an EventBridge event (JSON)");
              }
              if (id == null) throw new InvalidStreamMessageException("/id", "required");
              JsonNode detail = event.get("detail");
              if (detail == null || !detail.isObject()) {
                throw new InvalidStreamMessageException("/detail", "must be a JSON object");
              }
              return StreamMessages.parse(detail, id);
            });
    output.write(Json.writeBytes(Map.of("outcome", outcome.name().toLowerCase())));
  }

  private Instant time(JsonNode event) {
    String time = event == null ? null : text(event, "time");
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notIso) {
        // Not EventBridge's format: fall back to the arrival time here.
      }
    }
    return clock.instant();
  }

  private static JsonNode tree(String raw) {
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
