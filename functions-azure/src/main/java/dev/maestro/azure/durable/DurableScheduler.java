package dev.maestro.azure.durable;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.substrate.ScheduledWake;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.TimerQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Azure {@link Scheduler}: every wake is recorded in the timer ledger (the substrate's timer
 * table: what is pending, for reads and repair); a wake due now reaches the continuation's
 * orchestration as the external event {@value ContinuationOrchestrator#WAKE_EVENT}, except a
 * continuation's first wake ({@link ContinuationService#START_TIMER}), which starts its
 * orchestration (instance id = continuation id). Later wakes are delivered by the orchestration's
 * own durable timers, which the {@code tick} activity's result asks for, so they are only recorded
 * here. Cancelling removes the record; an orchestration timer that still fires delivers a wake the
 * tick engine no longer matches, which it ignores.
 */
public final class DurableScheduler implements Scheduler {

  /** How soon counts as "now": such wakes are pushed to the orchestration. */
  public static final Duration NOW_WINDOW = Duration.ofSeconds(1);

  private final TimerQueue ledger;
  private final DurableTaskClient client;
  private final Clock clock;

  public DurableScheduler(TimerQueue ledger, DurableTaskClient client, Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void register(ScheduledWake wake) {
    ledger.register(wake);
    if (wake.dueAt().isAfter(clock.instant().plus(NOW_WINDOW))) return;
    String instance = wake.continuationId().value();
    if (ContinuationService.START_TIMER.equals(wake.wake().id())) {
      try {
        client.scheduleNewOrchestrationInstance(
            ContinuationOrchestrator.NAME,
            new NewOrchestrationInstanceOptions()
                .setInstanceId(instance)
                .setInput(
                    OrchestrationInput.start(
                            wake.tenant().value(), wake.continuationId().value(), wake.wake())
                        .toJson()));
        return;
      } catch (RuntimeException alreadyRunning) {
        // The orchestration exists (a retried create): hand it the wake like any other; the tick
        // engine ignores it if it was delivered already.
      }
    }
    client.raiseEvent(instance, ContinuationOrchestrator.WAKE_EVENT, Json.write(wake.wake()));
  }

  @Override
  public boolean cancel(TenantId tenant, ContinuationId id, String wakeId) {
    return ledger.cancel(tenant, id, wakeId);
  }

  @Override
  public List<ScheduledWake> pending(TenantId tenant, ContinuationId id) {
    return ledger.pending(tenant, id);
  }
}
