package dev.maestro.aws.scheduler;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * Where {@link CloudScheduler} puts schedules and what they invoke.
 *
 * @param scheduleGroup the EventBridge Scheduler group of every wake schedule ({@code
 *     MAESTRO_SCHEDULE_GROUP})
 * @param wakeTargetArn what a schedule invokes, normally the tick state machine ({@code
 *     MAESTRO_WAKE_TARGET_ARN})
 * @param schedulerRoleArn the role EventBridge Scheduler assumes to invoke it ({@code
 *     MAESTRO_SCHEDULER_ROLE_ARN})
 * @param deadLetterArn an SQS queue for invocations that failed for good, or null ({@code
 *     MAESTRO_WAKE_DLQ_ARN}, optional)
 * @param tickStateMachineArn the state machine started directly for wakes due now ({@code
 *     MAESTRO_TICK_STATE_MACHINE_ARN})
 * @param nearThreshold a wake due within this of now starts a tick at once instead of a schedule
 *     ({@code MAESTRO_WAKE_NEAR_THRESHOLD}, ISO-8601, optional, default {@code PT5S})
 */
public record CloudSchedulerConfig(
    String scheduleGroup,
    String wakeTargetArn,
    String schedulerRoleArn,
    String deadLetterArn,
    String tickStateMachineArn,
    Duration nearThreshold) {

  /** The default of {@link #nearThreshold()}. */
  public static final Duration DEFAULT_NEAR_THRESHOLD = Duration.ofSeconds(5);

  public CloudSchedulerConfig {
    Objects.requireNonNull(scheduleGroup, "scheduleGroup");
    Objects.requireNonNull(wakeTargetArn, "wakeTargetArn");
    Objects.requireNonNull(schedulerRoleArn, "schedulerRoleArn");
    Objects.requireNonNull(tickStateMachineArn, "tickStateMachineArn");
    Objects.requireNonNull(nearThreshold, "nearThreshold");
    if (nearThreshold.isNegative()) {
      throw new IllegalArgumentException("nearThreshold must not be negative");
    }
  }

  /**
   * The configuration from environment variables (see the parameters); a missing or blank required
   * variable is an {@link IllegalStateException} naming it.
   */
  public static CloudSchedulerConfig fromEnv(Map<String, String> env) {
    String threshold = optional(env, "MAESTRO_WAKE_NEAR_THRESHOLD");
    Duration near;
    try {
      near = threshold == null ? DEFAULT_NEAR_THRESHOLD : Duration.parse(threshold);
    } catch (DateTimeParseException e) {
      throw new IllegalStateException(
          "MAESTRO_WAKE_NEAR_THRESHOLD is not an ISO-8601 duration (such as PT5S): " + threshold,
          e);
    }
    return new CloudSchedulerConfig(
        required(env, "MAESTRO_SCHEDULE_GROUP"),
        required(env, "MAESTRO_WAKE_TARGET_ARN"),
        required(env, "MAESTRO_SCHEDULER_ROLE_ARN"),
        optional(env, "MAESTRO_WAKE_DLQ_ARN"),
        required(env, "MAESTRO_TICK_STATE_MACHINE_ARN"),
        near);
  }

  private static String required(Map<String, String> env, String name) {
    String value = optional(env, name);
    if (value == null) {
      throw new IllegalStateException("environment variable " + name + " is not set");
    }
    return value;
  }

  private static String optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
