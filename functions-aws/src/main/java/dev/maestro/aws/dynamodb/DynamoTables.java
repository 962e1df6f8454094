package dev.maestro.aws.dynamodb;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of the DynamoDB tables one deployment uses. Every name is {@code prefix} plus a fixed
 * suffix, so a stage ({@code prod-}, {@code dev-}) or a test run gets its own set.
 *
 * @param prefix prepended to every table name; may be empty
 */
public record DynamoTables(String prefix) {

  /** DynamoDB's table-name alphabet; the longest suffix leaves room for a 200-character prefix. */
  private static final Pattern VALID_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,200}");

  /** The name of the global secondary index on {@link #timers()} that orders wakes by due time. */
  public static final String TIMERS_BY_DUE_INDEX = "by-due";

  public DynamoTables {
    Objects.requireNonNull(prefix, "prefix");
    if (!VALID_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "a table prefix may hold only letters, digits, '_', '-' and '.' (at most 200): "
              + prefix);
    }
  }

  /** Continuation snapshots and their lease (pk {@code tenant#continuationId}). */
  public String continuations() {
    return prefix + "continuations";
  }

  /** Event logs (pk {@code tenant#continuationId}, sk {@code sequence}); streamed (NEW_IMAGE). */
  public String events() {
    return prefix + "events";
  }

  /** Idempotency-key claims (pk {@code tenant#key}). */
  public String idempotency() {
    return prefix + "idempotency";
  }

  /** Pending wakes (pk {@code tenant#continuationId}, sk wake id) with the due-time index. */
  public String timers() {
    return prefix + "timers";
  }

  /**
   * Stream subscriptions (pk {@code tenant#topic}, sk continuation id), kept from the event log by
   * the CDC handler.
   */
  public String subscriptions() {
    return prefix + "subscriptions";
  }

  /**
   * The budget ledger ({@link DynamoBudgetLedger}): limits, per-scope totals, reservations and
   * alert markers (pk, sk strings); TTL on {@code expiresAt}.
   */
  public String budget() {
    return prefix + "budget";
  }

  /** Stream records that were acknowledged without delivery (pk {@code source#day}); TTL. */
  public String deadLetters() {
    return prefix + "dead_letters";
  }
}
