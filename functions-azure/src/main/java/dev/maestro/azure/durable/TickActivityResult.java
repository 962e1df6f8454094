package dev.maestro.azure.durable;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.maestro.core.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The continuation's state after a {@code tick} activity, reduced to what the orchestration needs
 * to decide what to wait for next: ended ({@code terminal}), deliver the same wake again at {@code
 * retryAt} (the lease was held), or wait for {@code nextTimer} and/or a {@code wake} event.
 *
 * @param status the continuation's status after the tick (or {@code NOT_FOUND})
 * @param terminal whether the continuation has ended; the orchestration then completes
 * @param nextTimer the timer the wake condition waits for, if any
 * @param waitsForEvents whether the wake condition waits for a signal, stream message or publish
 * @param retryAt when set, deliver the same wake again at this time
 * @param note what the tick did, for the orchestration's custom status and logs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TickActivityResult(
    String status,
    boolean terminal,
    Timer nextTimer,
    boolean waitsForEvents,
    Instant retryAt,
    String note) {

  public TickActivityResult {
    Objects.requireNonNull(status, "status");
  }

  /** A timer the continuation waits for: its id (the timer wake's id) and due time. */
  public record Timer(String id, Instant at) {
    public Timer {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
    }
  }

  /** The continuation has ended with {@code status}. */
  public static TickActivityResult ended(String status, String note) {
    return new TickActivityResult(status, true, null, false, null, note);
  }

  /** The continuation waits for {@code nextTimer} (may be null) and/or events. */
  public static TickActivityResult waiting(
      String status, Timer nextTimer, boolean waitsForEvents, String note) {
    return new TickActivityResult(status, false, nextTimer, waitsForEvents, null, note);
  }

  /** The wake could not be delivered yet; deliver it again at {@code at}. */
  public static TickActivityResult retry(String status, Instant at, String note) {
    return new TickActivityResult(status, false, null, false, Objects.requireNonNull(at), note);
  }

  public String toJson() {
    return Json.write(this);
  }

  public static TickActivityResult fromJson(String json) {
    return Json.read(json, TickActivityResult.class);
  }
}
