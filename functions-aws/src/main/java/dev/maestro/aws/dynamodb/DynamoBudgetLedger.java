package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.SK;
import static dev.maestro.aws.dynamodb.Items.n;
import static dev.maestro.aws.dynamodb.Items.s;
import static dev.maestro.aws.dynamodb.Items.sdk;

import dev.maestro.core.budget.BudgetAlert;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.EpochNanos;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The {@link BudgetLedger} on DynamoDB, in the {@code budget} table (pk, sk strings):
 *
 * <ul>
 *   <li>limits: pk {@code LIMIT#kind#id}, sk {@code LIMIT} ({@code maxUsd}, {@code softUsd}, {@code
 *       maxTokens}); a tenant-day limit (id = tenant) holds for every day;
 *   <li>one totals item per scope: pk {@code SCOPE#kind#id[#day]}, sk {@code TOTALS}, with settled
 *       and reserved dollars and tokens, {@code calls}, their sums {@code committedUsd} and {@code
 *       committedTokens}, and the owning {@code tenant};
 *   <li>one item per reservation in its tenant's partition: pk {@code RSV#tenant}, sk the
 *       reservation id, with its scopes, amounts, {@code expiresAtNs}, {@code state} ({@code held}
 *       or {@code expired}) and the TTL attribute {@value #TTL_ATTRIBUTE} (epoch seconds: expiry
 *       plus {@link BudgetLedger#EXPIRED_RETENTION}), after which DynamoDB deletes it;
 *   <li>one alert marker per tenant, day and threshold: pk {@code ALERT#tenant#day}, sk the
 *       threshold.
 * </ul>
 *
 * <p>A reservation is one {@code TransactWriteItems}: an {@code ADD} to each scope's totals under
 * the condition {@code committedUsd <= maxUsd - usd} (and likewise for tokens) plus the put of the
 * reservation item. DynamoDB evaluates every condition and applies every write atomically, so no
 * interleaving of callers can cross a cap; a failed condition is the refusal, a conflicting
 * concurrent transaction is retried. Settlement and release delete the reservation under {@code
 * state = held} in the same transaction as the totals change, so each happens once. Expiry is a
 * sweep on every operation: the tenant's held reservations past their time to live are flipped to
 * {@code expired} (conditionally, so concurrent sweepers free the headroom once) and their amounts
 * taken off the totals. Limits are read (strongly consistently) before each reservation.
 */
public final class DynamoBudgetLedger implements BudgetLedger {

  /** The TTL attribute of the budget table (epoch seconds). */
  public static final String TTL_ATTRIBUTE = "expiresAt";

  static final String SETTLED_USD = "settledUsd";
  static final String SETTLED_TOKENS = "settledTokens";
  static final String CALLS = "calls";
  static final String RESERVED_USD = "reservedUsd";
  static final String RESERVED_TOKENS = "reservedTokens";
  static final String COMMITTED_USD = "committedUsd";
  static final String COMMITTED_TOKENS = "committedTokens";
  static final String MAX_USD = "maxUsd";
  static final String SOFT_USD = "softUsd";
  static final String MAX_TOKENS = "maxTokens";
  static final String SCOPES = "scopes";
  static final String USD = "usd";
  static final String TOKENS = "tokens";
  static final String EXPIRES_AT_NS = "expiresAtNs";
  static final String STATE = "state";
  static final String HELD = "held";
  static final String EXPIRED = "expired";
  static final String TOTALS = "TOTALS";

  /** How often a transaction that lost to a concurrent one is tried again. */
  private static final int ATTEMPTS = 100;

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration ttl;

  /**
   * @param client the DynamoDB client
   * @param tables the table set; its {@link DynamoTables#budget()} table must exist
   * @param clock the time reservations expire against and tenant days are cut by
   * @param ttl how long a reservation is held unsettled before it expires
   */
  public DynamoBudgetLedger(DynamoDbClient client, DynamoTables tables, Clock clock, Duration ttl) {
    this.client = Objects.requireNonNull(client, "client");
    this.table = Objects.requireNonNull(tables, "tables").budget();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (!ttl.isPositive()) throw new IllegalArgumentException("ttl must be positive");
  }

  @Override
  public Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    BudgetLedger.checkReserve(spender, usdMax, tokensMax);
    String what = "reserving budget for " + spender.continuation();
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      sweep(spender.tenant(), now);
      List<ScopeKey> scopes = spender.scopesAt(now);
      var writes = new ArrayList<TransactWriteItem>();
      for (ScopeKey scope : scopes) {
        BudgetLimits l = limitOf(scope);
        if (l != null) refuseIfOverCapNow(scope, l, usdMax, tokensMax);
        writes.add(
            TransactWriteItem.builder()
                .update(hold(scope, spender.tenant(), usdMax, tokensMax, l))
                .build());
      }
      var reservation =
          new Reservation("rsv-" + UUID.randomUUID(), scopes, usdMax, tokensMax, now.plus(ttl));
      var item = new HashMap<String, AttributeValue>();
      item.put(PK, s(reservationPk(spender.tenant())));
      item.put(SK, s(reservation.id()));
      item.put(SCOPES, s(ScopeKey.encodeAll(scopes)));
      item.put(USD, decimal(usdMax));
      item.put(TOKENS, n(tokensMax));
      item.put(EXPIRES_AT_NS, n(EpochNanos.of(reservation.expiresAt())));
      item.put(STATE, s(HELD));
      item.put(
          TTL_ATTRIBUTE, n(reservation.expiresAt().plus(EXPIRED_RETENTION).getEpochSecond() + 1));
      writes.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(item)
                      .conditionExpression("attribute_not_exists(#pk)")
                      .expressionAttributeNames(Map.of("#pk", PK))
                      .build())
              .build());
      List<String> codes = transact(writes, what);
      if (codes == null) return reservation;
      for (int i = 0; i < scopes.size(); i++) {
        if (codes.get(i).equals(Items.CONDITIONAL_CHECK_FAILED)) {
          BudgetLimits l = limitOf(scopes.get(i));
          if (l != null) refuseIfOverCapNow(scopes.get(i), l, usdMax, tokensMax);
        }
      }
      // A concurrent transaction, or a condition that no longer fails: try again.
      backOff(attempt, what);
    }
  }

  @Override
  public Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    BudgetLedger.checkSettle(reservation, actualUsd, actualTokens);
    TenantId tenant = reservation.tenant();
    String what = "settling reservation " + reservation.id();
    for (int attempt = 1; ; attempt++) {
      Instant now = clock.instant();
      sweep(tenant, now);
      Map<String, AttributeValue> stored = reservationItem(tenant, reservation.id()).orElse(null);
      if (stored == null) {
        throw new IllegalStateException(
            "reservation " + reservation.id() + " was already settled or released");
      }
      boolean late = EXPIRED.equals(Items.string(stored, STATE));
      BigDecimal usd = actualUsd.min(reservation.usd());
      long tokens = Math.min(actualTokens, reservation.tokens());
      var limits = new HashMap<ScopeKey, BudgetLimits>();
      if (late) {
        // Its headroom was freed on expiry and may be taken; charge only what still fits.
        for (ScopeKey scope : reservation.scopes()) {
          BudgetLimits l = limitOf(scope);
          if (l == null) continue;
          limits.put(scope, l);
          Totals t = totals(scope);
          usd = l.usdThatFits(t.committedUsd(), usd);
          tokens = l.tokensThatFit(t.committedTokens(), tokens);
        }
      }
      BigDecimal heldUsd = late ? BigDecimal.ZERO : reservation.usd();
      long heldTokens = late ? 0 : reservation.tokens();
      var writes = new ArrayList<TransactWriteItem>();
      writes.add(deleteReservation(tenant, reservation.id(), late ? EXPIRED : HELD));
      for (ScopeKey scope : reservation.scopes()) {
        writes.add(
            TransactWriteItem.builder()
                .update(charge(scope, usd, tokens, heldUsd, heldTokens, limits.get(scope)))
                .build());
      }
      if (transact(writes, what) == null) {
        return new Settlement(usd, tokens, actualUsd.subtract(usd), actualTokens - tokens, late);
      }
      // Swept, settled or spent meanwhile: look again.
      backOff(attempt, what);
    }
  }

  @Override
  public void release(Reservation reservation) {
    Objects.requireNonNull(reservation, "reservation");
    TenantId tenant = reservation.tenant();
    String what = "releasing reservation " + reservation.id();
    for (int attempt = 1; ; attempt++) {
      sweep(tenant, clock.instant());
      Optional<Map<String, AttributeValue>> stored = reservationItem(tenant, reservation.id());
      if (stored.isEmpty() || !HELD.equals(Items.string(stored.get(), STATE))) return;
      var writes = new ArrayList<TransactWriteItem>();
      writes.add(deleteReservation(tenant, reservation.id(), HELD));
      for (ScopeKey scope : reservation.scopes()) {
        writes.add(
            TransactWriteItem.builder()
                .update(unhold(scope, reservation.usd(), reservation.tokens()))
                .build());
      }
      if (transact(writes, what) == null) return;
      backOff(attempt, what);
    }
  }

  @Override
  public List<ScopeStatus> status(Spender spender) {
    Objects.requireNonNull(spender, "spender");
    Instant now = clock.instant();
    sweep(spender.tenant(), now);
    var out = new ArrayList<ScopeStatus>(3);
    for (ScopeKey scope : spender.scopesAt(now)) out.add(statusOf(scope));
    return List.copyOf(out);
  }

  @Override
  public ScopeStatus status(ScopeKey scope) {
    Objects.requireNonNull(scope, "scope");
    Totals before = totals(scope);
    if (before.tenant() == null) return statusOf(scope);
    sweep(before.tenant(), clock.instant());
    return statusOf(scope);
  }

  @Override
  public boolean claimAlert(BudgetAlert alert) {
    Objects.requireNonNull(alert, "alert");
    var item = new HashMap<String, AttributeValue>();
    item.put(PK, s(alertPk(alert.tenant(), alert.day())));
    item.put(SK, s(String.format("%03d", alert.thresholdPercent())));
    item.put(Items.TENANT, s(alert.tenant().value()));
    item.put("spentUsd", decimal(alert.spentUsd()));
    item.put("capUsd", decimal(alert.capUsd()));
    item.put("raisedAt", n(EpochNanos.of(alert.raisedAt())));
    var request =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", PK))
            .build();
    return sdk(
        "recording budget alert " + alert.thresholdPercent() + "% of " + alert.scope(),
        () -> {
          try {
            client.putItem(request);
            return true;
          } catch (ConditionalCheckFailedException alreadyRaised) {
            return false;
          }
        });
  }

  @Override
  public List<BudgetAlert> alerts(TenantId tenant, LocalDate day) {
    QueryResponse response =
        sdk(
            "reading budget alerts of " + tenant,
            () ->
                client.query(
                    QueryRequest.builder()
                        .tableName(table)
                        .keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", PK))
                        .expressionAttributeValues(Map.of(":pk", s(alertPk(tenant, day))))
                        .consistentRead(true)
                        .build()));
    var out = new ArrayList<BudgetAlert>();
    for (Map<String, AttributeValue> item : response.items()) {
      out.add(
          new BudgetAlert(
              tenant,
              day,
              Integer.parseInt(Items.string(item, SK)),
              new BigDecimal(item.get("spentUsd").n()),
              new BigDecimal(item.get("capUsd").n()),
              EpochNanos.toInstant(Items.number(item, "raisedAt"))));
    }
    return List.copyOf(out);
  }

  // ---- items -----------------------------------------------------------------------------------

  /** One scope's totals item as read; absent attributes are zero. */
  private record Totals(
      TenantId tenant,
      BigDecimal settledUsd,
      long settledTokens,
      long calls,
      BigDecimal reservedUsd,
      long reservedTokens) {
    BigDecimal committedUsd() {
      return settledUsd.add(reservedUsd);
    }

    long committedTokens() {
      return settledTokens + reservedTokens;
    }
  }

  private Totals totals(ScopeKey scope) {
    Map<String, AttributeValue> item =
        sdk(
                "reading budget totals of " + scope,
                () -> Items.getConsistent(client, table, scopeKey(scope)))
            .orElse(Map.of());
    AttributeValue tenant = item.get(Items.TENANT);
    return new Totals(
        tenant == null ? null : TenantId.of(tenant.s()),
        decimalOf(item, SETTLED_USD),
        longOf(item, SETTLED_TOKENS),
        longOf(item, CALLS),
        decimalOf(item, RESERVED_USD),
        longOf(item, RESERVED_TOKENS));
  }

  private ScopeStatus statusOf(ScopeKey scope) {
    Totals t = totals(scope);
    return new ScopeStatus(
        scope,
        limitOf(scope),
        t.settledUsd(),
        t.settledTokens(),
        t.calls(),
        t.reservedUsd(),
        t.reservedTokens());
  }

  private BudgetLimits limitOf(ScopeKey scope) {
    return sdk(
            "reading budget limits of " + scope,
            () ->
                Items.getConsistent(
                    client,
                    table,
                    Map.of(
                        PK, s("LIMIT#" + scope.kind().wire() + "#" + scope.id()), SK, s("LIMIT"))))
        .map(
            item ->
                new BudgetLimits(
                    new BigDecimal(item.get(MAX_USD).n()),
                    new BigDecimal(item.get(SOFT_USD).n()),
                    Items.number(item, MAX_TOKENS)))
        .orElse(null);
  }

  @Override
  public void limit(ScopeKey.Kind kind, String id, BudgetLimits limits) {
    Objects.requireNonNull(limits, "limits");
    var item = new HashMap<String, AttributeValue>();
    item.put(PK, s("LIMIT#" + kind.wire() + "#" + id));
    item.put(SK, s("LIMIT"));
    item.put(MAX_USD, decimal(limits.maxUsd()));
    item.put(SOFT_USD, decimal(limits.softUsd()));
    item.put(MAX_TOKENS, n(limits.maxTokens()));
    sdk(
        "setting budget limits of " + kind.wire() + " " + id,
        () -> client.putItem(PutItemRequest.builder().tableName(table).item(item).build()));
  }

  /** Throws the refusal when {@code scope}'s current totals leave no room for the amounts. */
  private void refuseIfOverCapNow(ScopeKey scope, BudgetLimits l, BigDecimal usd, long tokens) {
    Totals t = totals(scope);
    l.refuseIfCrossed(scope, t.committedUsd(), t.committedTokens(), usd, tokens);
  }

  /** Adds a hold to a scope's totals, conditional on the caps when the scope has limits. */
  private Update hold(
      ScopeKey scope, TenantId tenant, BigDecimal usd, long tokens, BudgetLimits l) {
    var names = new HashMap<String, String>();
    var values = new HashMap<String, AttributeValue>();
    names.put("#ru", RESERVED_USD);
    names.put("#rt", RESERVED_TOKENS);
    names.put("#cu", COMMITTED_USD);
    names.put("#ct", COMMITTED_TOKENS);
    names.put("#tenant", Items.TENANT);
    values.put(":u", decimal(usd));
    values.put(":t", n(tokens));
    values.put(":tenant", s(tenant.value()));
    var update =
        Update.builder()
            .tableName(table)
            .key(scopeKey(scope))
            .updateExpression("SET #tenant = :tenant ADD #ru :u, #rt :t, #cu :u, #ct :t");
    if (l != null) fitsUnder(update, values, l, usd, tokens);
    return update.expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /**
   * Replaces a hold of {@code heldUsd}/{@code heldTokens} by a charge; for a late charge (no hold)
   * on a limited scope, conditional on the charge still fitting under the caps.
   */
  private Update charge(
      ScopeKey scope,
      BigDecimal usd,
      long tokens,
      BigDecimal heldUsd,
      long heldTokens,
      BudgetLimits lateLimits) {
    var names = new HashMap<String, String>();
    names.put("#su", SETTLED_USD);
    names.put("#st", SETTLED_TOKENS);
    names.put("#calls", CALLS);
    names.put("#ru", RESERVED_USD);
    names.put("#rt", RESERVED_TOKENS);
    names.put("#cu", COMMITTED_USD);
    names.put("#ct", COMMITTED_TOKENS);
    var values = new HashMap<String, AttributeValue>();
    values.put(":su", decimal(usd));
    values.put(":st", n(tokens));
    values.put(":one", n(1));
    values.put(":ru", decimal(heldUsd.negate()));
    values.put(":rt", n(-heldTokens));
    values.put(":cu", decimal(usd.subtract(heldUsd)));
    values.put(":ct", n(tokens - heldTokens));
    var update =
        Update.builder()
            .tableName(table)
            .key(scopeKey(scope))
            .updateExpression(
                "ADD #su :su, #st :st, #calls :one, #ru :ru, #rt :rt, #cu :cu, #ct :ct");
    if (lateLimits != null) fitsUnder(update, values, lateLimits, usd, tokens);
    return update.expressionAttributeNames(names).expressionAttributeValues(values).build();
  }

  /**
   * Makes {@code update} (which adds {@code usd} and {@code tokens} to {@code #cu} and {@code #ct})
   * conditional on the sums staying within {@code limits}.
   */
  private static void fitsUnder(
      Update.Builder update,
      Map<String, AttributeValue> values,
      BudgetLimits limits,
      BigDecimal usd,
      long tokens) {
    var condition = new StringBuilder("(attribute_not_exists(#cu) OR #cu <= :usdBound)");
    values.put(":usdBound", decimal(limits.maxUsd().subtract(usd)));
    if (limits.maxTokens() > 0) {
      condition.append(" AND (attribute_not_exists(#ct) OR #ct <= :tokenBound)");
      values.put(":tokenBound", n(limits.maxTokens() - tokens));
    }
    update.conditionExpression(condition.toString());
  }

  private Update unhold(ScopeKey scope, BigDecimal usd, long tokens) {
    return Update.builder()
        .tableName(table)
        .key(scopeKey(scope))
        .updateExpression("ADD #ru :u, #rt :t, #cu :u, #ct :t")
        .expressionAttributeNames(
            Map.of(
                "#ru", RESERVED_USD,
                "#rt", RESERVED_TOKENS,
                "#cu", COMMITTED_USD,
                "#ct", COMMITTED_TOKENS))
        .expressionAttributeValues(Map.of(":u", decimal(usd.negate()), ":t", n(-tokens)))
        .build();
  }

  private TransactWriteItem deleteReservation(TenantId tenant, String id, String state) {
    return TransactWriteItem.builder()
        .delete(
            Delete.builder()
                .tableName(table)
                .key(Map.of(PK, s(reservationPk(tenant)), SK, s(id)))
                .conditionExpression("#state = :state")
                .expressionAttributeNames(Map.of("#state", STATE))
                .expressionAttributeValues(Map.of(":state", s(state)))
                .build())
        .build();
  }

  private Optional<Map<String, AttributeValue>> reservationItem(TenantId tenant, String id) {
    return sdk(
        "reading reservation " + id,
        () -> Items.getConsistent(client, table, Map.of(PK, s(reservationPk(tenant)), SK, s(id))));
  }

  /**
   * Expires the tenant's held reservations past their time to live: each is flipped to {@code
   * expired} under {@code state = held}, in one transaction with taking its amounts off the totals,
   * so concurrent sweepers free its headroom once.
   */
  private void sweep(TenantId tenant, Instant now) {
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> from = startKey;
      QueryResponse page =
          sdk(
              "sweeping expired reservations of " + tenant,
              () ->
                  client.query(
                      QueryRequest.builder()
                          .tableName(table)
                          .keyConditionExpression("#pk = :pk")
                          .filterExpression("#state = :held AND #exp <= :now")
                          .expressionAttributeNames(
                              Map.of("#pk", PK, "#state", STATE, "#exp", EXPIRES_AT_NS))
                          .expressionAttributeValues(
                              Map.of(
                                  ":pk",
                                  s(reservationPk(tenant)),
                                  ":held",
                                  s(HELD),
                                  ":now",
                                  n(EpochNanos.of(now))))
                          .consistentRead(true)
                          .exclusiveStartKey(from)
                          .build()));
      for (Map<String, AttributeValue> item : page.items()) {
        BigDecimal usd = new BigDecimal(item.get(USD).n());
        long tokens = Items.number(item, TOKENS);
        var writes = new ArrayList<TransactWriteItem>();
        writes.add(
            TransactWriteItem.builder()
                .update(
                    Update.builder()
                        .tableName(table)
                        .key(Map.of(PK, item.get(PK), SK, item.get(SK)))
                        .updateExpression("SET #state = :expired")
                        .conditionExpression("#state = :held")
                        .expressionAttributeNames(Map.of("#state", STATE))
                        .expressionAttributeValues(Map.of(":expired", s(EXPIRED), ":held", s(HELD)))
                        .build())
                .build());
        for (ScopeKey scope : ScopeKey.decodeAll(Items.string(item, SCOPES))) {
          writes.add(TransactWriteItem.builder().update(unhold(scope, usd, tokens)).build());
        }
        // Lost to another sweeper or a settlement: either way it is no longer held.
        transact(writes, "expiring reservation " + Items.string(item, SK));
      }
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (startKey != null);
  }

  /** Runs a transaction: null when it committed, else each item's cancellation code. */
  private List<String> transact(List<TransactWriteItem> writes, String what) {
    return sdk(
        what,
        () -> {
          try {
            client.transactWriteItems(
                TransactWriteItemsRequest.builder().transactItems(writes).build());
            return null;
          } catch (TransactionCanceledException e) {
            List<String> codes = Items.reasonCodes(e);
            Items.rethrowUnexpected(e, codes, what);
            return codes;
          }
        });
  }

  private static void backOff(int attempt, String what) {
    if (attempt >= ATTEMPTS) {
      throw new DynamoStoreException(what + " kept conflicting after " + ATTEMPTS + " attempts");
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2L + Math.min(attempt, 20)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DynamoStoreException(what + " was interrupted", e);
    }
  }

  // ---- keys and values -------------------------------------------------------------------------

  private static Map<String, AttributeValue> scopeKey(ScopeKey scope) {
    String pk = "SCOPE#" + scope.kind().wire() + "#" + scope.id();
    if (scope.day() != null) pk += "#" + scope.day();
    return Map.of(PK, s(pk), SK, s(TOTALS));
  }

  private static String reservationPk(TenantId tenant) {
    return "RSV#" + tenant.value();
  }

  private static String alertPk(TenantId tenant, LocalDate day) {
    return "ALERT#" + tenant.value() + "#" + day;
  }

  private static AttributeValue decimal(BigDecimal value) {
    return AttributeValue.fromN(value.toPlainString());
  }

  private static BigDecimal decimalOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? BigDecimal.ZERO : new BigDecimal(value.n());
  }

  private static long longOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }
}
