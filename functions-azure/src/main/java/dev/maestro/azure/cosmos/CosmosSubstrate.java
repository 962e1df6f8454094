package dev.maestro.azure.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncDatabase;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import java.util.Objects;

/**
 * The Cosmos DB (SQL API) substrate (BRIEF §7 "Azure"): continuations, events, idempotency keys and
 * timers in the containers named by {@link CosmosContainers}, created beforehand (see {@link
 * CosmosSchema}). Every partition key carries the tenant. Fencing, idempotent appends and lease
 * races are decided by conditional writes ({@code If-Match} on {@code _etag}, create-if-absent) on
 * single documents, so any number of processes may share the containers; see the package
 * documentation for how an append commits without a transactional batch.
 *
 * <p>Reads of the continuation document decide every write only through its etag, so any
 * consistency level keeps writes safe. Readers on another host than the writer need the account's
 * default consistency to be Strong (or Bounded Staleness within one region): under Session
 * consistency without the writer's session token, a reader may see a moved head before the event
 * documents under it reach its replica, and that read fails with a {@link CosmosStoreException}
 * (retrying it succeeds).
 *
 * <p>Build one per container host with the host's single {@link CosmosAsyncClient}; the substrate
 * holds no other resources and the caller keeps ownership of the client. Domain failures surface as
 * {@code dev.maestro.core.error} exceptions; infrastructure failures as {@link
 * CosmosStoreException}.
 */
public final class CosmosSubstrate {

  private final CosmosAsyncClient client;
  private final CosmosContainers containers;
  private final CosmosTimerQueue timers;
  private final Substrate substrate;

  /** Wires every port over {@code client} and {@code containers}; makes no call to Cosmos DB. */
  public CosmosSubstrate(CosmosAsyncClient client, CosmosContainers containers) {
    this.client = Objects.requireNonNull(client, "client");
    this.containers = Objects.requireNonNull(containers, "containers");
    CosmosAsyncDatabase database = client.getDatabase(containers.database());
    var continuations =
        new CosmosContinuationStore(
            database.getContainer(containers.continuations()),
            database.getContainer(containers.events()));
    this.timers = new CosmosTimerQueue(database.getContainer(containers.timers()));
    this.substrate =
        new Substrate(
            continuations,
            new CosmosEventLog(database.getContainer(containers.events()), continuations),
            timers,
            new CosmosIdempotencyStore(database.getContainer(containers.idempotency())));
  }

  /** The client the ports use (other containers of the account share it). */
  public CosmosAsyncClient client() {
    return client;
  }

  /** Where the ports' containers are. */
  public CosmosContainers containers() {
    return containers;
  }

  /** The ports, with {@link #timers()} as the scheduler. */
  public Substrate substrate() {
    return substrate;
  }

  /**
   * The polled timer queue over the {@code timers} container. A Durable Functions deployment
   * schedules with durable timers instead; this queue serves deployments that poll (and the
   * conformance kit).
   */
  public TimerQueue timers() {
    return timers;
  }
}
