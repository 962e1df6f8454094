package dev.maestro.aws.scheduler;

import dev.maestro.aws.client.AwsCallException;
import dev.maestro.aws.client.SchedulerClient;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.TimerQueue;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The scheduler of the AWS deployment: a pushed {@link Scheduler} over a durable ledger. The ledger
 * (the DynamoDB timers table in production) is what {@link #pending} reads and what a tick
 * acknowledges; the push makes the wake happen. A wake due within {@link
 * CloudSchedulerConfig#nearThreshold()} of now starts a tick at once through the {@link
 * TickStarter}; a later one becomes a one-time EventBridge Scheduler schedule ({@code at(...)} in
 * UTC, rounded up to the second, flexible window off, deleted after it fires) whose target starts
 * the tick with the same input.
 *
 * <p>The ledger is written first, so a push that fails leaves the wake pending (and the failure
 * propagates to the caller, whose tick retries). Schedule and execution names are derived from
 * (tenant, continuation, wake id), so registering the same wake again updates its schedule rather
 * than adding one, as the {@link Scheduler} contract requires.
 */
public final class CloudScheduler implements Scheduler {

  /** How long Scheduler keeps retrying a failed invocation (its documented maximum). */
  private static final int MAX_EVENT_AGE_SECONDS = 86_400;

  /** How often Scheduler retries a failed invocation (its documented maximum). */
  private static final int MAX_RETRY_ATTEMPTS = 185;

  private final TimerQueue ledger;
  private final SchedulerClient schedules;
  private final TickStarter ticks;
  private final CloudSchedulerConfig config;
  private final Clock clock;

  /**
   * A scheduler whose ledger is {@code ledger}, pushing through {@code schedules} and {@code
   * ticks}; {@code clock} decides what is near.
   */
  public CloudScheduler(
      TimerQueue ledger,
      SchedulerClient schedules,
      TickStarter ticks,
      CloudSchedulerConfig config,
      Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.schedules = Objects.requireNonNull(schedules, "schedules");
    this.ticks = Objects.requireNonNull(ticks, "ticks");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void register(ScheduledWake wake) {
    boolean replacing =
        ledger.pending(wake.tenant(), wake.continuationId()).stream()
            .anyMatch(p -> p.wake().id().equals(wake.wake().id()));
    ledger.register(wake);
    String name = WakeDelivery.name(wake);
    if (!wake.dueAt().isAfter(clock.instant().plus(config.nearThreshold()))) {
      // A schedule left from an earlier, later due time would deliver the wake a second time.
      if (replacing) schedules.deleteSchedule(name, config.scheduleGroup(), null);
      ticks.start(wake);
      return;
    }
    String expression = SchedulerClient.atExpression(wake.dueAt());
    String input = WakeDelivery.input(wake);
    String fingerprint = WakeDelivery.sha256Hex(name + "\n" + expression + "\n" + input);
    try {
      schedules.createSchedule(schedule(name, expression, input, "c-" + fingerprint.substring(2)));
    } catch (AwsCallException e) {
      if (e.statusCode() != 409 && !"ConflictException".equals(e.errorCode())) throw e;
      schedules.updateSchedule(schedule(name, expression, input, "u-" + fingerprint.substring(2)));
    }
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    boolean removed = ledger.cancel(tenant, id, wakeId);
    // Deleted whatever the ledger said: a cancel that died between the two leaves a schedule.
    schedules.deleteSchedule(WakeDelivery.name(tenant, id, wakeId), config.scheduleGroup(), null);
    return removed;
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    return ledger.pending(tenant, id);
  }

  private SchedulerClient.Schedule schedule(
      String name, String expression, String input, String clientToken) {
    return new SchedulerClient.Schedule(
        name,
        config.scheduleGroup(),
        expression,
        "UTC",
        "DELETE",
        new SchedulerClient.Target(
            config.wakeTargetArn(),
            config.schedulerRoleArn(),
            input,
            MAX_EVENT_AGE_SECONDS,
            MAX_RETRY_ATTEMPTS,
            config.deadLetterArn()),
        clientToken);
  }
}
