package dev.maestro.azure.cosmos;

import static dev.maestro.azure.cosmos.Docs.ID;
import static dev.maestro.azure.cosmos.Docs.PK;
import static dev.maestro.azure.cosmos.Docs.TENANT;
import static dev.maestro.azure.cosmos.Docs.call;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetAlert;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.ScopeKey;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.substrate.EpochNanos;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link BudgetLedger} on Cosmos DB, in the {@code budget} container (see {@link
 * CosmosContainers#budget()}), without a transactional batch: every write is a single-document
 * create, upsert or replace with {@code If-Match} on the document's etag, so it runs on the npm
 * emulator as on Cosmos DB (ADR-0010). The documents:
 *
 * <ul>
 *   <li>one <b>scope document</b> per scope (pk {@code scope#kind#id[#day]}, id {@code totals}):
 *       the settled dollars and tokens, the call count, and the <b>holds</b>, a map from
 *       reservation id to that reservation's amounts and expiry. Reserved spend is not a counter:
 *       it is the sum of the live (unexpired) holds;
 *   <li>one <b>limit document</b> per limited scope (pk {@code limit#kind#id}, id {@code limit}); a
 *       tenant-day limit (id = tenant) holds for every day;
 *   <li>one <b>outcome marker</b> per settled or released reservation (pk {@code rsv#tenant}, id
 *       the reservation id), carrying what the settlement charged; Cosmos DB's per-item TTL deletes
 *       it after the reservation's expiry plus {@link BudgetLedger#EXPIRED_RETENTION};
 *   <li>one <b>alert marker</b> per tenant, day and threshold (pk {@code alert#tenant#day}, id the
 *       threshold).
 * </ul>
 *
 * <p><b>Reserve</b> visits the spender's scopes in a fixed order (continuation, tree, tenant-day).
 * For each it reads the scope document, checks that settled plus live holds plus this reservation
 * stays within the cap, adds its hold under the reservation id and replaces the document with
 * {@code If-Match}; a 412 (a concurrent writer) re-reads and re-checks. Each scope's cap is thus
 * decided by one conditional write of that scope's own document, so no interleaving crosses it. A
 * refusal in a later scope removes the holds already added (until then they may refuse a concurrent
 * caller: a conservative, transient effect). Because a hold is keyed by the reservation id, writing
 * it twice is harmless, and because it carries its expiry, a process that crashes between scope
 * writes leaves only holds that stop counting after the time to live: a crash can hold headroom for
 * a while but never overspend.
 *
 * <p><b>Settle</b> first creates the reservation's outcome marker (state {@code settled}, with the
 * amounts charged): create-if-absent lets exactly one settlement or release of a reservation win,
 * and a second settlement is refused on the 409. It then replaces, scope by scope, the hold by the
 * charge ({@code If-Match} again). A scope without the hold was already charged, so the step is
 * idempotent. <b>Release</b> creates a {@code released} marker and drops the holds. A process that
 * crashes after its marker leaves holds behind; whoever next reads a scope document holding an
 * expired hold looks up that reservation's marker and finishes the job in the same conditional
 * write: a {@code settled} marker turns the hold into its charge, a {@code released} one drops it,
 * and no marker marks the hold {@code expired} (freeing its headroom) so that a late settlement
 * within the retention can still find and charge it. A late settlement charges only the headroom
 * left when it is made; if a concurrent reservation takes some of it before the charge reaches a
 * later scope, that scope is charged less (never past its cap) and the settlement reports the
 * smallest charge. Expired holds are pruned after the retention.
 *
 * <p>A reservation costs three limit reads and three read–replace pairs; a settlement a create and
 * three read–replace pairs. The tenant-day document is the contended one: its writers retry on 412
 * with a short randomised back-off.
 */
public final class CosmosBudgetLedger implements BudgetLedger {

  static final String TOTALS = "totals";
  static final String LIMIT = "limit";
  static final String KIND = "kind";
  static final String SCOPE = "scope";
  static final String DAY = "day";
  static final String SETTLED_USD = "settledUsd";
  static final String SETTLED_TOKENS = "settledTokens";
  static final String CALLS = "calls";
  static final String HOLDS = "holds";
  static final String USD = "usd";
  static final String TOKENS = "tokens";
  static final String EXPIRES_AT_NS = "expiresAtNs";
  static final String EXPIRED = "expired";
  static final String STATE = "state";
  static final String SETTLED = "settled";
  static final String RELEASED = "released";
  static final String LATE = "late";
  static final String MAX_USD = "maxUsd";
  static final String SOFT_USD = "softUsd";
  static final String MAX_TOKENS = "maxTokens";

  /** Cosmos DB's per-item time to live attribute (seconds). */
  static final String TTL = "ttl";

  /** How often a write that lost to a concurrent one is tried again. */
  private static final int ATTEMPTS = 400;

  private final CosmosAsyncContainer container;
  private final Clock clock;
  private final Duration ttl;

  /**
   * @param client the account's client (the caller keeps ownership)
   * @param containers where the {@code budget} container is; it must exist (see {@link
   *     CosmosSchema})
   * @param clock the time reservations expire against and tenant days are cut by
   * @param ttl how long a reservation is held unsettled before it expires (longer than any call)
   */
  public CosmosBudgetLedger(
      CosmosAsyncClient client, CosmosContainers containers, Clock clock, Duration ttl) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(containers, "containers");
    this.container = client.getDatabase(containers.database()).getContainer(containers.budget());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (!ttl.isPositive()) throw new IllegalArgumentException("ttl must be positive");
  }

  // ---- reserve, settle, release ----------------------------------------------------------------

  @Override
  public Reservation reserve(Spender spender, BigDecimal usdMax, long tokensMax) {
    BudgetLedger.checkReserve(spender, usdMax, tokensMax);
    Instant now = clock.instant();
    List<ScopeKey> scopes = spender.scopesAt(now);
    var reservation =
        new Reservation("rsv-" + UUID.randomUUID(), scopes, usdMax, tokensMax, now.plus(ttl));
    String tenant = spender.tenant().value();
    var held = new ArrayList<ScopeKey>(scopes.size());
    try {
      for (ScopeKey scope : scopes) {
        BudgetLimits l = limitOf(scope);
        update(
            scope,
            tenant,
            "reserving budget for " + spender.continuation(),
            doc -> {
              // Already held by an earlier attempt whose reply was lost: nothing to add.
              if (doc.holds.containsKey(reservation.id())) return;
              if (l != null) refuseIfOverCap(scope, l, doc, usdMax, tokensMax);
              doc.holds.put(
                  reservation.id(),
                  new Hold(
                      tenant, usdMax, tokensMax, EpochNanos.of(reservation.expiresAt()), false));
              doc.dirty = true;
            });
        held.add(scope);
      }
    } catch (BudgetExceededException refused) {
      dropHolds(reservation.id(), tenant, held);
      throw refused;
    }
    return reservation;
  }

  @Override
  public Settlement settle(Reservation reservation, BigDecimal actualUsd, long actualTokens) {
    BudgetLedger.checkSettle(reservation, actualUsd, actualTokens);
    TenantId tenant = reservation.tenant();
    Instant now = clock.instant();
    if (!now.isBefore(reservation.expiresAt().plus(EXPIRED_RETENTION))) {
      throw new IllegalStateException(
          "reservation " + reservation.id() + " expired too long ago to be settled");
    }
    boolean late = !now.isBefore(reservation.expiresAt());
    BigDecimal usd = actualUsd.min(reservation.usd());
    long tokens = Math.min(actualTokens, reservation.tokens());
    if (late) {
      // Its headroom was freed on expiry and may be taken; charge only what still fits.
      for (ScopeKey scope : reservation.scopes()) {
        BudgetLimits l = limitOf(scope);
        if (l == null) continue;
        ScopeStatus s = status(scope);
        usd = l.usdThatFits(s.committedUsd(), usd);
        tokens = l.tokensThatFit(s.settledTokens() + s.reservedTokens(), tokens);
      }
    }
    ObjectNode marker = marker(tenant, reservation, SETTLED);
    marker.put(USD, usd.toPlainString());
    marker.put(TOKENS, tokens);
    marker.put(LATE, late);
    String what = "settling reservation " + reservation.id();
    if (!call(what, () -> Docs.create(container, marker.get(PK).asText(), marker))) {
      throw new IllegalStateException(
          "reservation " + reservation.id() + " was already settled or released");
    }
    var charged = new Charge(usd, tokens);
    for (ScopeKey scope : reservation.scopes()) {
      update(
          scope,
          tenant.value(),
          what,
          doc -> {
            Hold hold = doc.holds.get(reservation.id());
            // No hold: this scope was charged already (by a reader finishing the settlement).
            if (hold == null) return;
            Charge applied =
                doc.charge(reservation.id(), hold, charged, () -> limitOf(scope), clock.instant());
            charged.lowerTo(applied);
          });
    }
    return new Settlement(
        charged.usd,
        charged.tokens,
        actualUsd.subtract(charged.usd),
        actualTokens - charged.tokens,
        late);
  }

  @Override
  public void release(Reservation reservation) {
    Objects.requireNonNull(reservation, "reservation");
    TenantId tenant = reservation.tenant();
    // An expired reservation holds nothing any more (and may still be settled late).
    if (!clock.instant().isBefore(reservation.expiresAt())) return;
    ObjectNode marker = marker(tenant, reservation, RELEASED);
    String what = "releasing reservation " + reservation.id();
    if (!call(what, () -> Docs.create(container, marker.get(PK).asText(), marker))) return;
    dropHolds(reservation.id(), tenant.value(), reservation.scopes());
  }

  // ---- status and limits -----------------------------------------------------------------------

  @Override
  public List<ScopeStatus> status(Spender spender) {
    Objects.requireNonNull(spender, "spender");
    var out = new ArrayList<ScopeStatus>(3);
    for (ScopeKey scope : spender.scopesAt(clock.instant())) out.add(status(scope));
    return List.copyOf(out);
  }

  @Override
  public ScopeStatus status(ScopeKey scope) {
    Objects.requireNonNull(scope, "scope");
    BudgetLimits limits = limitOf(scope);
    ScopeDoc[] seen = new ScopeDoc[1];
    // Finishes whatever crashed callers left in the document (a no-op write is skipped).
    update(scope, null, "reading budget totals of " + scope, doc -> seen[0] = doc);
    ScopeDoc doc = seen[0];
    long now = EpochNanos.of(clock.instant());
    return new ScopeStatus(
        scope,
        limits,
        doc.settledUsd,
        doc.settledTokens,
        doc.calls,
        doc.reservedUsd(now),
        doc.reservedTokens(now));
  }

  // ---- alerts ----------------------------------------------------------------------------------

  @Override
  public boolean claimAlert(BudgetAlert alert) {
    Objects.requireNonNull(alert, "alert");
    String pk = alertPk(alert.tenant(), alert.day());
    ObjectNode doc = Docs.object();
    doc.put(ID, Integer.toString(alert.thresholdPercent()));
    doc.put(PK, pk);
    doc.put(TENANT, alert.tenant().value());
    doc.put(DAY, alert.day().toString());
    doc.put("thresholdPercent", alert.thresholdPercent());
    doc.put("spentUsd", alert.spentUsd().toPlainString());
    doc.put("capUsd", alert.capUsd().toPlainString());
    doc.put("raisedAt", EpochNanos.of(alert.raisedAt()));
    return call(
        "claiming the " + alert.thresholdPercent() + " % alert of " + alert.tenant(),
        () -> Docs.create(container, pk, doc));
  }

  @Override
  public List<BudgetAlert> alerts(TenantId tenant, LocalDate day) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(day, "day");
    List<ObjectNode> docs =
        call(
            "reading the budget alerts of " + tenant,
            () -> Docs.readPartition(container, alertPk(tenant, day)));
    return docs.stream()
        .map(
            doc ->
                new BudgetAlert(
                    tenant,
                    day,
                    (int) Docs.number(doc, "thresholdPercent"),
                    new BigDecimal(Docs.text(doc, "spentUsd")),
                    new BigDecimal(Docs.text(doc, "capUsd")),
                    EpochNanos.toInstant(Docs.number(doc, "raisedAt"))))
        .sorted(Comparator.comparingInt(BudgetAlert::thresholdPercent))
        .toList();
  }

  // ---- scope documents -------------------------------------------------------------------------

  /** One reservation's hold on a scope; {@code expired} once a reader has freed its headroom. */
  private record Hold(
      String tenant, BigDecimal usd, long tokens, long expiresAtNs, boolean expired) {
    boolean live(long nowNs) {
      return !expired && nowNs < expiresAtNs;
    }
  }

  /** What a settlement charges; lowered when a late charge no longer fits a later scope. */
  private static final class Charge {
    BigDecimal usd;
    long tokens;

    Charge(BigDecimal usd, long tokens) {
      this.usd = usd;
      this.tokens = tokens;
    }

    synchronized void lowerTo(Charge applied) {
      usd = usd.min(applied.usd);
      tokens = Math.min(tokens, applied.tokens);
    }
  }

  /** A scope document as read, changed in memory and written back with its etag. */
  private static final class ScopeDoc {
    final ObjectNode raw;
    final String etag;
    BigDecimal settledUsd;
    long settledTokens;
    long calls;
    final Map<String, Hold> holds = new LinkedHashMap<>();
    boolean dirty;

    ScopeDoc(ObjectNode raw, String etag) {
      this.raw = raw;
      this.etag = etag;
      this.settledUsd = new BigDecimal(raw.path(SETTLED_USD).asText("0"));
      this.settledTokens = raw.path(SETTLED_TOKENS).asLong(0);
      this.calls = raw.path(CALLS).asLong(0);
      JsonNode stored = raw.path(HOLDS);
      for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode h = e.getValue();
        holds.put(
            e.getKey(),
            new Hold(
                h.path(TENANT).asText(),
                new BigDecimal(h.path(USD).asText("0")),
                h.path(TOKENS).asLong(0),
                h.path(EXPIRES_AT_NS).asLong(0),
                h.path(EXPIRED).asBoolean(false)));
      }
    }

    BigDecimal reservedUsd(long nowNs) {
      BigDecimal sum = BigDecimal.ZERO;
      for (Hold h : holds.values()) if (h.live(nowNs)) sum = sum.add(h.usd());
      return sum;
    }

    long reservedTokens(long nowNs) {
      long sum = 0;
      for (Hold h : holds.values()) if (h.live(nowNs)) sum += h.tokens();
      return sum;
    }

    /**
     * Replaces reservation {@code id}'s hold by {@code want}. A live hold covers the charge (it is
     * never more than the hold); an expired one freed its headroom, so the charge is cut to what is
     * left under the scope's {@code limits}. Returns what was charged.
     */
    Charge charge(String id, Hold hold, Charge want, Supplier<BudgetLimits> limits, Instant now) {
      long nowNs = EpochNanos.of(now);
      holds.remove(id);
      BigDecimal usd = want.usd;
      long tokens = want.tokens;
      BudgetLimits lateLimits = hold.live(nowNs) ? null : limits.get();
      if (lateLimits != null) {
        usd = lateLimits.usdThatFits(settledUsd.add(reservedUsd(nowNs)), usd);
        tokens = lateLimits.tokensThatFit(settledTokens + reservedTokens(nowNs), tokens);
      }
      settledUsd = settledUsd.add(usd);
      settledTokens += tokens;
      calls++;
      dirty = true;
      return new Charge(usd, tokens);
    }

    ObjectNode toJson() {
      ObjectNode out = raw.deepCopy();
      out.put(SETTLED_USD, settledUsd.toPlainString());
      out.put(SETTLED_TOKENS, settledTokens);
      out.put(CALLS, calls);
      ObjectNode h = out.putObject(HOLDS);
      holds.forEach(
          (id, hold) -> {
            ObjectNode one = h.putObject(id);
            one.put(TENANT, hold.tenant());
            one.put(USD, hold.usd().toPlainString());
            one.put(TOKENS, hold.tokens());
            one.put(EXPIRES_AT_NS, hold.expiresAtNs());
            if (hold.expired()) one.put(EXPIRED, true);
          });
      return out;
    }
  }

  /**
   * Reads {@code scope}'s document (an empty one when absent), finishes what crashed callers left
   * in it, applies {@code change} and, if anything changed, writes it back: create when absent,
   * else replace with {@code If-Match}. A lost race reads again and re-applies {@code change}, so
   * the change must be a function of the document read. An exception from {@code change} aborts
   * without writing. {@code tenant} (null when unknown) is recorded on a new document.
   */
  private void update(ScopeKey scope, String tenant, String what, Consumer<ScopeDoc> change) {
    String pk = scopePk(scope);
    for (int attempt = 1; ; attempt++) {
      Optional<ObjectNode> stored = call(what, () -> Docs.read(container, pk, TOTALS));
      ScopeDoc doc;
      if (stored.isPresent()) {
        doc = new ScopeDoc(stored.get(), Docs.text(stored.get(), Docs.ETAG));
      } else {
        ObjectNode fresh = Docs.object();
        fresh.put(ID, TOTALS);
        fresh.put(PK, pk);
        fresh.put(KIND, scope.kind().wire());
        fresh.put(SCOPE, scope.id());
        if (scope.day() != null) fresh.put(DAY, scope.day().toString());
        if (tenant != null) fresh.put(TENANT, tenant);
        doc = new ScopeDoc(fresh, null);
      }
      finishLapsedHolds(doc, scope, what);
      change.accept(doc);
      if (!doc.dirty) return;
      ObjectNode body = doc.toJson();
      boolean written =
          call(
              what,
              () ->
                  doc.etag == null
                      ? Docs.create(container, pk, body)
                      : Docs.replaceIfMatch(container, pk, body, doc.etag));
      if (written) return;
      backOff(attempt, what);
    }
  }

  /**
   * Resolves every hold past its expiry that no reader has resolved yet, by its reservation's
   * outcome marker: settled → charged, released → dropped, none → marked expired (its headroom
   * free, kept for a late settlement). Holds expired longer than the retention are pruned.
   */
  private void finishLapsedHolds(ScopeDoc doc, ScopeKey scope, String what) {
    Instant now = clock.instant();
    long nowNs = EpochNanos.of(now);
    long retentionNs = EXPIRED_RETENTION.toNanos();
    for (String id : List.copyOf(doc.holds.keySet())) {
      Hold hold = doc.holds.get(id);
      if (hold.live(nowNs)) continue;
      if (nowNs - hold.expiresAtNs() >= retentionNs) {
        doc.holds.remove(id);
        doc.dirty = true;
        continue;
      }
      if (hold.expired()) continue;
      Optional<ObjectNode> marker =
          call(what, () -> Docs.read(container, reservationPk(hold.tenant()), id));
      if (marker.isEmpty()) {
        doc.holds.put(
            id, new Hold(hold.tenant(), hold.usd(), hold.tokens(), hold.expiresAtNs(), true));
      } else if (SETTLED.equals(marker.get().path(STATE).asText())) {
        var want =
            new Charge(
                new BigDecimal(Docs.text(marker.get(), USD)), Docs.number(marker.get(), TOKENS));
        doc.charge(id, hold, want, () -> limitOf(scope), now);
      } else {
        doc.holds.remove(id);
      }
      doc.dirty = true;
    }
  }

  private void dropHolds(String id, String tenant, List<ScopeKey> scopes) {
    for (ScopeKey scope : scopes) {
      update(
          scope,
          tenant,
          "releasing reservation " + id,
          doc -> {
            if (doc.holds.remove(id) != null) doc.dirty = true;
          });
    }
  }

  /** Throws the refusal when the document's settled spend and live holds leave no room. */
  private void refuseIfOverCap(
      ScopeKey scope, BudgetLimits l, ScopeDoc doc, BigDecimal usd, long tokens) {
    long nowNs = EpochNanos.of(clock.instant());
    l.refuseIfCrossed(
        scope,
        doc.settledUsd.add(doc.reservedUsd(nowNs)),
        doc.settledTokens + doc.reservedTokens(nowNs),
        usd,
        tokens);
  }

  // ---- limits and markers ----------------------------------------------------------------------

  private BudgetLimits limitOf(ScopeKey scope) {
    String pk = limitPk(scope.kind(), scope.id());
    return call("reading budget limits of " + scope, () -> Docs.read(container, pk, LIMIT))
        .map(
            doc ->
                new BudgetLimits(
                    new BigDecimal(Docs.text(doc, MAX_USD)),
                    new BigDecimal(Docs.text(doc, SOFT_USD)),
                    Docs.number(doc, MAX_TOKENS)))
        .orElse(null);
  }

  @Override
  public void limit(ScopeKey.Kind kind, String id, BudgetLimits limits) {
    Objects.requireNonNull(limits, "limits");
    String pk = limitPk(kind, id);
    ObjectNode doc = Docs.object();
    doc.put(ID, LIMIT);
    doc.put(PK, pk);
    doc.put(KIND, kind.wire());
    doc.put(SCOPE, id);
    doc.put(MAX_USD, limits.maxUsd().toPlainString());
    doc.put(SOFT_USD, limits.softUsd().toPlainString());
    doc.put(MAX_TOKENS, limits.maxTokens());
    call(
        "setting budget limits of " + kind.wire() + " " + id,
        () ->
            container
                .upsertItem(doc, new PartitionKey(pk), new CosmosItemRequestOptions())
                .block());
  }

  /** The outcome marker of {@code reservation}, deleted by Cosmos DB after the retention. */
  private ObjectNode marker(TenantId tenant, Reservation reservation, String state) {
    ObjectNode doc = Docs.object();
    doc.put(ID, reservation.id());
    doc.put(PK, reservationPk(tenant.value()));
    doc.put(TENANT, tenant.value());
    doc.put(STATE, state);
    doc.put(EXPIRES_AT_NS, EpochNanos.of(reservation.expiresAt()));
    long keep =
        Duration.between(clock.instant(), reservation.expiresAt().plus(EXPIRED_RETENTION))
            .toSeconds();
    doc.put(TTL, Math.max(60, keep + 60));
    return doc;
  }

  private static void backOff(int attempt, String what) {
    if (attempt >= ATTEMPTS) {
      throw new CosmosStoreException(what + " kept conflicting after " + ATTEMPTS + " attempts");
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(0, 2L + Math.min(attempt, 20)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CosmosStoreException(what + " was interrupted", e);
    }
  }

  // ---- keys ------------------------------------------------------------------------------------

  /** The partition key of {@code scope}'s document. */
  static String scopePk(ScopeKey scope) {
    String pk = "scope#" + scope.kind().wire() + "#" + scope.id();
    return scope.day() == null ? pk : pk + "#" + scope.day();
  }

  private static String limitPk(ScopeKey.Kind kind, String id) {
    return "limit#" + kind.wire() + "#" + id;
  }

  private static String reservationPk(String tenant) {
    return "rsv#" + tenant;
  }

  private static String alertPk(TenantId tenant, LocalDate day) {
    return "alert#" + tenant.value() + "#" + day;
  }
}
