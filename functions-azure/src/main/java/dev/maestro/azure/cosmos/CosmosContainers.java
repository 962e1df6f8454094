package dev.maestro.azure.cosmos;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Cosmos DB database and container names one deployment uses: every container name is {@code
 * prefix} plus a fixed suffix, so a stage or a test run gets its own set in a shared database.
 * Every container is partitioned on {@code /pk}.
 *
 * @param database the database holding the containers
 * @param prefix prepended to every container name; may be empty
 */
public record CosmosContainers(String database, String prefix) {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{0,200}");

  public CosmosContainers {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(prefix, "prefix");
    if (database.isEmpty() || !VALID.matcher(database).matches()) {
      throw new IllegalArgumentException("invalid database name: " + database);
    }
    if (!VALID.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "a container prefix may hold only letters, digits, '_', '-' and '.': " + prefix);
    }
  }

  /**
   * Continuation documents (pk {@code tenant#continuationId}: snapshot, lease, log head and the
   * spawn event) and the unfinished index (pk {@code unfinished#<bucket>}).
   */
  public String continuations() {
    return prefix + "continuations";
  }

  /** Event documents (pk {@code tenant#continuationId}, id the zero-padded sequence). */
  public String events() {
    return prefix + "events";
  }

  /** Idempotency-key claims (pk {@code tenant#key}). */
  public String idempotency() {
    return prefix + "idempotency";
  }

  /**
   * Timer documents (pk {@code tenant#continuationId}) and their due index (pk {@code
   * timers#<bucket>}).
   */
  public String timers() {
    return prefix + "timers";
  }

  /**
   * The budget ledger's documents (see {@link CosmosBudgetLedger}): scope totals with their holds
   * (pk {@code scope#kind#id[#day]}), limits (pk {@code limit#kind#id}), reservation outcome
   * markers (pk {@code rsv#tenant}, expired by per-item TTL) and alert markers (pk {@code
   * alert#tenant#day}).
   */
  public String budget() {
    return prefix + "budget";
  }

  /** Every container name, in the order {@link CosmosSchema} creates them. */
  public List<String> all() {
    return List.of(continuations(), events(), idempotency(), timers(), budget());
  }
}
