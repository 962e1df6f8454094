package dev.maestro.aws.tick;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.tick.Claim;
import java.time.Instant;
import java.util.Objects;

/**
 * The JSON each tick phase reads and writes: the contract between the state machine definition
 * ({@code statemachine/tick.asl.json}) and the phase functions. Every field the definition reads is
 * always written (null when it does not apply), since a JSONPath to a missing field fails the
 * execution.
 */
public final class PhaseIo {

  private PhaseIo() {}

  /** What the acquire phase decides. */
  public static final class Action {
    /** A step is claimed: run it. */
    public static final String STEP = "step";

    /** Nothing more to do for this wake. */
    public static final String DONE = "done";

    /** The lease is held; wait for it in this execution until {@code retry_at}. */
    public static final String WAIT_RETRY = "wait_retry";

    private Action() {}
  }

  /** What comes after the persist phase. */
  public static final class Next {
    /** No timer: the continuation is terminal or waits only for signals or streams. */
    public static final String NONE = "none";

    /** The timer is due within this execution's window: a {@code Wait} state waits it out. */
    public static final String WAIT = "wait";

    /** The timer is due later: the schedule-wake phase registers it with the scheduler. */
    public static final String SCHEDULE = "schedule";

    private Next() {}
  }

  /** Input of the acquire phase. */
  public record AcquireInput(
      @JsonProperty("request") TickRequest request, @JsonProperty("started_at") Instant startedAt) {
    public AcquireInput {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(startedAt, "started_at");
    }
  }

  /** Output of the acquire phase. */
  public record AcquireOutput(
      @JsonProperty("action") String action,
      @JsonProperty("claim") Claim claim,
      @JsonProperty("outcome") String outcome,
      @JsonProperty("retry_at") Instant retryAt) {}

  /** Input of the step, persist, release and schedule phases: the claim and the execution. */
  public record ClaimInput(
      @JsonProperty("claim") Claim claim,
      @JsonProperty("request") TickRequest request,
      @JsonProperty("started_at") Instant startedAt) {
    public ClaimInput {
      Objects.requireNonNull(claim, "claim");
    }
  }

  /** Output of the step phase. */
  public record StepOutput(
      @JsonProperty("outcome") String outcome, @JsonProperty("detail") String detail) {}

  /** Output of the persist phase. */
  public record PersistOutput(
      @JsonProperty("status") Status status,
      @JsonProperty("last_sequence") long lastSequence,
      @JsonProperty("next") String next,
      @JsonProperty("next_request") TickRequest nextRequest,
      @JsonProperty("wait_until") Instant waitUntil) {}

  /** Input of the schedule phase: the tick request to start when the timer is due. */
  public record ScheduleInput(@JsonProperty("next_request") TickRequest nextRequest) {
    public ScheduleInput {
      Objects.requireNonNull(nextRequest, "next_request");
    }
  }

  /** Output of the schedule and release phases. */
  public record Done(@JsonProperty("done") boolean done) {}

  /**
   * Input of the failure phase: the claim and the error Step Functions caught ({@code Error},
   * {@code Cause}, as a {@code Catch} with {@code ResultPath} writes it).
   */
  public record FailInput(
      @JsonProperty("claim") Claim claim,
      @JsonProperty("request") TickRequest request,
      @JsonProperty("error") JsonNode error) {
    public FailInput {
      Objects.requireNonNull(claim, "claim");
    }
  }

  /** Output of the failure phase. */
  public record FailOutput(
      @JsonProperty("outcome") String outcome, @JsonProperty("status") Status status) {}
}
