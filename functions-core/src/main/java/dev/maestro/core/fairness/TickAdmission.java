package dev.maestro.core.fairness;

import dev.maestro.core.continuation.TenantId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Weighted fair queuing of tick admission across tenants (BRIEF §9), so that a tenant offering ten
 * times the work of the others cannot starve them. Each request is stamped on arrival with a
 * virtual finish time {@code max(virtualNow, lastFinish[tenant]) + cost / weight} (self-clocked:
 * {@code virtualNow} is the finish time of the request last admitted) and {@link #next()} admits
 * the smallest, ties broken by arrival order.
 *
 * <p>Budget-aware deferral: the caller's standing function is asked on every offer and every admit.
 * A tenant past its soft cap is stamped at its weight times {@code softCapWeightFactor}; a tenant
 * past its hard cap is never admitted (its requests stay queued and it is reported as deferred).
 * Deterministic (no clock or randomness inside) and safe for concurrent callers.
 */
public final class TickAdmission {

  /** The weight given to a tenant with none set. */
  public static final double DEFAULT_WEIGHT = 1.0;

  private record Stamped(TickRequest request, double finish, long sequence) {}

  private final int capacityPerTenant;
  private final double softCapWeightFactor;
  private final Function<TenantId, BudgetStanding> standing;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<TenantId, Double> weights = new HashMap<>();
  private final Map<TenantId, Double> lastFinish = new HashMap<>();
  private final TreeMap<String, ArrayDeque<Stamped>> queues = new TreeMap<>();
  private double virtualNow;
  private long sequence;
  private int pending;

  /**
   * @param capacityPerTenant the most ticks one tenant may have pending
   * @param softCapWeightFactor in (0, 1]: the weight multiplier for a tenant past its soft cap
   * @param standing the tenant's budget standing now; called under this queue's lock, so it must be
   *     quick and must not call back into this queue
   */
  public TickAdmission(
      int capacityPerTenant,
      double softCapWeightFactor,
      Function<TenantId, BudgetStanding> standing) {
    if (capacityPerTenant <= 0) {
      throw new IllegalArgumentException("capacity per tenant must be positive");
    }
    if (!(softCapWeightFactor > 0 && softCapWeightFactor <= 1)) {
      throw new IllegalArgumentException("soft-cap weight factor must be in (0, 1]");
    }
    this.capacityPerTenant = capacityPerTenant;
    this.softCapWeightFactor = softCapWeightFactor;
    this.standing = Objects.requireNonNull(standing, "standing");
  }

  /** A queue that halves the weight of tenants past their soft cap. */
  public static TickAdmission halvingPastSoftCap(
      int capacityPerTenant, Function<TenantId, BudgetStanding> standing) {
    return new TickAdmission(capacityPerTenant, 0.5, standing);
  }

  /** Sets a tenant's share weight; it applies to requests offered from now on. */
  public void weight(TenantId tenant, double weight) {
    Objects.requireNonNull(tenant, "tenant");
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight of tenant " + tenant + " must be positive");
    }
    lock.lock();
    try {
      weights.put(tenant, weight);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a request, stamping its virtual finish time.
   *
   * @throws TenantQueueFullException when the tenant already has {@code capacityPerTenant} pending
   */
  public void offer(TickRequest request) {
    Objects.requireNonNull(request, "request");
    TenantId tenant = request.tenant();
    lock.lock();
    try {
      ArrayDeque<Stamped> queue = queues.computeIfAbsent(tenant.value(), t -> new ArrayDeque<>());
      if (queue.size() >= capacityPerTenant) {
        throw new TenantQueueFullException(tenant, capacityPerTenant);
      }
      double weight = weights.getOrDefault(tenant, DEFAULT_WEIGHT);
      if (standing.apply(tenant) == BudgetStanding.PAST_SOFT_CAP) weight *= softCapWeightFactor;
      double start = Math.max(virtualNow, lastFinish.getOrDefault(tenant, 0.0));
      double finish = start + request.costEstimate() / weight;
      lastFinish.put(tenant, finish);
      queue.addLast(new Stamped(request, finish, sequence++));
      pending++;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Admits the pending request with the smallest virtual finish time among tenants not past their
   * hard cap. Empty when nothing is pending or every pending tenant is deferred.
   */
  public Admission next() {
    lock.lock();
    try {
      Stamped best = null;
      var deferred = new LinkedHashSet<TenantId>();
      for (ArrayDeque<Stamped> queue : queues.values()) {
        Stamped head = queue.peekFirst();
        if (head == null) continue;
        if (standing.apply(head.request().tenant()) == BudgetStanding.PAST_HARD_CAP) {
          deferred.add(head.request().tenant());
          continue;
        }
        if (best == null
            || head.finish() < best.finish()
            || (head.finish() == best.finish() && head.sequence() < best.sequence())) {
          best = head;
        }
      }
      if (best == null) return new Admission(Optional.empty(), deferred);
      queues.get(best.request().tenant().value()).removeFirst();
      pending--;
      virtualNow = Math.max(virtualNow, best.finish());
      return new Admission(Optional.of(best.request()), deferred);
    } finally {
      lock.unlock();
    }
  }

  /** How many requests are queued, across all tenants. */
  public int pending() {
    lock.lock();
    try {
      return pending;
    } finally {
      lock.unlock();
    }
  }

  /** How many requests {@code tenant} has queued. */
  public int pending(TenantId tenant) {
    lock.lock();
    try {
      ArrayDeque<Stamped> queue = queues.get(tenant.value());
      return queue == null ? 0 : queue.size();
    } finally {
      lock.unlock();
    }
  }
}
