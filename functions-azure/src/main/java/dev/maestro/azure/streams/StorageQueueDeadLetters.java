package dev.maestro.azure.streams;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Dead letters in an Azure Storage queue: one message per poison record, a JSON object {@code
 * {"source", "recordId", "receivedAt", "raw", "truncated", "error"}}, kept {@link #RETENTION} (the
 * message time-to-live). A queue cannot replace a message, so a poison record redelivered before it
 * was acknowledged is kept twice; readers deduplicate on (source, receivedAt, recordId). A raw
 * record longer than {@value #MAX_RAW_CHARS} characters is cut (marked {@code truncated}) to stay
 * under the 64 KiB message limit. A failed send throws, and the record is then retried, not lost.
 */
public final class StorageQueueDeadLetters implements DeadLetters {

  /** How long a dead letter is kept. */
  public static final Duration RETENTION = Duration.ofDays(14);

  static final int MAX_RAW_CHARS = 24_000;
  static final int MAX_ERROR_CHARS = 2_000;

  private final QueueClient queue;

  public StorageQueueDeadLetters(QueueClient queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
  }

  @Override
  public void record(DeadLetter letter) {
    var message = new LinkedHashMap<String, Object>();
    message.put("source", letter.source());
    message.put("recordId", letter.recordId());
    message.put("receivedAt", letter.receivedAt().toString());
    boolean truncated = letter.raw().length() > MAX_RAW_CHARS;
    message.put("raw", truncated ? letter.raw().substring(0, MAX_RAW_CHARS) : letter.raw());
    message.put("truncated", truncated);
    String error = letter.error();
    message.put(
        "error", error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error);
    queue.sendMessageWithResponse(Json.write(message), null, RETENTION, null, Context.NONE);
  }
}
