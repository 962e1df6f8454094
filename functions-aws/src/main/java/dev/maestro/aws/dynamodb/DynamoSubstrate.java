package dev.maestro.aws.dynamodb;

import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB substrate (BRIEF §7 "AWS"): continuations, events, idempotency keys and timers in
 * the tables named by {@link DynamoTables}, created beforehand (see {@link DynamoSchema}). Every
 * key carries the tenant. Fencing, idempotent appends and lease races are decided by DynamoDB's
 * conditional writes and transactions, so any number of processes may share the tables.
 *
 * <p>Build one per container with the container's single {@link DynamoDbClient} (handlers share
 * it); the substrate holds no other resources and the caller keeps ownership of the client. Domain
 * failures surface as {@code dev.maestro.core.error} exceptions; infrastructure failures as {@link
 * DynamoStoreException}.
 */
public final class DynamoSubstrate {

  private final DynamoTimerQueue timers;
  private final Substrate substrate;

  /** Wires every port over {@code client} and {@code tables}; makes no call to DynamoDB. */
  public DynamoSubstrate(DynamoDbClient client, DynamoTables tables) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(tables, "tables");
    this.timers = new DynamoTimerQueue(client, tables);
    this.substrate =
        new Substrate(
            new DynamoContinuationStore(client, tables),
            new DynamoEventLog(client, tables),
            timers,
            new DynamoIdempotencyStore(client, tables));
  }

  /** The ports, with {@link #timers()} as the scheduler. */
  public Substrate substrate() {
    return substrate;
  }

  /**
   * The polled timer queue over the {@code timers} table. On AWS the tick path schedules with
   * EventBridge Scheduler instead; this queue serves deployments that poll (and the conformance
   * kit).
   */
  public TimerQueue timers() {
    return timers;
  }
}
