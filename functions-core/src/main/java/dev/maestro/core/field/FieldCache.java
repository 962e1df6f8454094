package dev.maestro.core.field;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.Observability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A bounded, thread-safe cache of assembled fields keyed by {@link FieldCacheKey}: repeats of the
 * same goal frame over the same corpus and candidate set are served without re-assembling.
 *
 * <p>An entry expires at the earlier of its insertion plus the cache's TTL and the manifest's own
 * {@link FieldManifest#staleAt()} (a stale field is recomputed, never served). When full, the least
 * recently used entry is evicted. {@link #stats()} counts hits, misses, evictions (for size) and
 * expirations (an expired entry found by a lookup, which is also a miss); {@link #stats(TenantId)}
 * counts the same per tenant (a lookup is the caller's tenant's, an eviction or expiration the
 * evicted manifest's tenant's).
 *
 * <p><b>Metrics.</b> Every counted occurrence is also reported to the {@link Observability} given
 * at construction, tagged {@value #TAG_TENANT} (absent for a lookup that names no tenant): {@value
 * #METRIC_HITS}, {@value #METRIC_MISSES}, {@value #METRIC_EVICTIONS} and {@value
 * #METRIC_EXPIRATIONS} with value 1 each, and after each lookup {@value #METRIC_HIT_RATE}, the
 * tenant's hits over its lookups so far (0..1). Metrics are reported outside the cache's lock.
 *
 * <p>All state sits behind one lock; {@link #getOrAssemble} assembles outside it, so two callers
 * missing on the same key at once may both assemble (the last one stored wins).
 */
public final class FieldCache {

  /** A lookup answered from the cache (value 1). */
  public static final String METRIC_HITS = "field.cache.hits";

  /** A lookup not answered (value 1). */
  public static final String METRIC_MISSES = "field.cache.misses";

  /** An entry removed to respect the size bound (value 1). */
  public static final String METRIC_EVICTIONS = "field.cache.evictions";

  /** An expired entry removed on lookup (value 1). */
  public static final String METRIC_EXPIRATIONS = "field.cache.expirations";

  /** The tenant's hit rate after a lookup: hits / (hits + misses), in 0..1. */
  public static final String METRIC_HIT_RATE = "field.cache.hit_rate";

  /** The tag naming the tenant a metric is about. */
  public static final String TAG_TENANT = "tenant";

  private final int maxEntries;
  private final Duration ttl;
  private final Clock clock;
  private final Observability observability;
  private final LinkedHashMap<FieldCacheKey, Entry> entries;
  private final Counters total = new Counters();
  private final Map<TenantId, Counters> byTenant = new HashMap<>();

  /**
   * Hit, miss, eviction and expiration counts and the current size.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups not answered (absent or expired)
   * @param evictions entries removed to respect the size bound
   * @param expirations expired entries removed on lookup
   * @param size entries held now (for one tenant: that tenant's entries)
   */
  public record Stats(long hits, long misses, long evictions, long expirations, int size) {

    /** Hits over lookups, 0 before the first lookup. */
    public double hitRate() {
      long lookups = hits + misses;
      return lookups == 0 ? 0.0 : (double) hits / lookups;
    }
  }

  private record Entry(FieldManifest manifest, Instant expiresAt) {}

  /** One metric to report once the lock is released. */
  private record Metric(String name, double value, TenantId tenant) {}

  private static final class Counters {
    long hits;
    long misses;
    long evictions;
    long expirations;
    int size;

    Stats stats() {
      return new Stats(hits, misses, evictions, expirations, size);
    }
  }

  /** A cache of at most {@code maxEntries} (>= 1) fields, each kept at most {@code ttl}. */
  public FieldCache(int maxEntries, Duration ttl, Clock clock) {
    this(maxEntries, ttl, clock, Observability.NONE);
  }

  /** A cache as above that reports its counters to {@code observability}. */
  public FieldCache(int maxEntries, Duration ttl, Clock clock, Observability observability) {
    if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be >= 1");
    this.maxEntries = maxEntries;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be > 0");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observability = Objects.requireNonNull(observability, "observability");
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The fresh field cached under {@code key}, counting a hit or a miss for no tenant. */
  public Optional<FieldManifest> get(FieldCacheKey key) {
    return get(null, key);
  }

  /**
   * The fresh field cached under {@code key}, counting a hit or a miss for {@code tenant} ({@code
   * null}: none).
   */
  public Optional<FieldManifest> get(TenantId tenant, FieldCacheKey key) {
    Objects.requireNonNull(key, "key");
    var metrics = new ArrayList<Metric>(3);
    Optional<FieldManifest> found;
    synchronized (this) {
      found = lookUp(tenant, key, metrics);
    }
    report(metrics);
    return found;
  }

  /** Caches {@code manifest} under {@code key}, evicting the least recently used when full. */
  public void put(FieldCacheKey key, FieldManifest manifest) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(manifest, "manifest");
    var metrics = new ArrayList<Metric>(1);
    synchronized (this) {
      store(key, manifest, metrics);
    }
    report(metrics);
  }

  /** The cached field for {@code key}, or a new one from {@code assemble}, then cached. */
  public FieldManifest getOrAssemble(FieldCacheKey key, Supplier<FieldManifest> assemble) {
    return getOrAssemble(null, key, assemble);
  }

  /**
   * The cached field for {@code key}, or a new one from {@code assemble}, then cached; the lookup
   * is counted for {@code tenant} ({@code null}: none).
   */
  public FieldManifest getOrAssemble(
      TenantId tenant, FieldCacheKey key, Supplier<FieldManifest> assemble) {
    Optional<FieldManifest> cached = get(tenant, key);
    if (cached.isPresent()) return cached.get();
    FieldManifest fresh = Objects.requireNonNull(assemble.get(), "assembled manifest");
    put(key, fresh);
    return fresh;
  }

  /** Drops every entry (counters are kept). */
  public synchronized void clear() {
    entries.clear();
    total.size = 0;
    for (Counters c : byTenant.values()) c.size = 0;
  }

  /** The counters and size, as of now. */
  public synchronized Stats stats() {
    return new Stats(total.hits, total.misses, total.evictions, total.expirations, entries.size());
  }

  /** {@code tenant}'s counters and entries, as of now (all zero for a tenant never seen). */
  public synchronized Stats stats(TenantId tenant) {
    Counters c = byTenant.get(Objects.requireNonNull(tenant, "tenant"));
    return c == null ? new Stats(0, 0, 0, 0, 0) : c.stats();
  }

  private Optional<FieldManifest> lookUp(TenantId tenant, FieldCacheKey key, List<Metric> out) {
    Counters mine = tenant == null ? null : counters(tenant);
    Entry e = entries.get(key);
    Optional<FieldManifest> found;
    if (e != null && !clock.instant().isBefore(e.expiresAt)) {
      entries.remove(key);
      TenantId owner = e.manifest.tenant();
      total.expirations++;
      Counters theirs = counters(owner);
      theirs.expirations++;
      theirs.size--;
      out.add(new Metric(METRIC_EXPIRATIONS, 1, owner));
      e = null;
    }
    if (e == null) {
      total.misses++;
      if (mine != null) mine.misses++;
      out.add(new Metric(METRIC_MISSES, 1, tenant));
      found = Optional.empty();
    } else {
      total.hits++;
      if (mine != null) mine.hits++;
      out.add(new Metric(METRIC_HITS, 1, tenant));
      found = Optional.of(e.manifest);
    }
    Stats rate = mine != null ? mine.stats() : total.stats();
    out.add(new Metric(METRIC_HIT_RATE, rate.hitRate(), tenant));
    return found;
  }

  private void store(FieldCacheKey key, FieldManifest manifest, List<Metric> out) {
    Instant byTtl = clock.instant().plus(ttl);
    Instant expiresAt = byTtl.isBefore(manifest.staleAt()) ? byTtl : manifest.staleAt();
    Entry replaced = entries.put(key, new Entry(manifest, expiresAt));
    if (replaced != null) counters(replaced.manifest.tenant()).size--;
    counters(manifest.tenant()).size++;
    Iterator<Map.Entry<FieldCacheKey, Entry>> it = entries.entrySet().iterator();
    while (entries.size() > maxEntries && it.hasNext()) {
      TenantId owner = it.next().getValue().manifest.tenant();
      it.remove();
      total.evictions++;
      Counters theirs = counters(owner);
      theirs.evictions++;
      theirs.size--;
      out.add(new Metric(METRIC_EVICTIONS, 1, owner));
    }
  }

  private Counters counters(TenantId tenant) {
    return byTenant.computeIfAbsent(tenant, t -> new Counters());
  }

  private void report(List<Metric> metrics) {
    for (Metric m : metrics) {
      observability.metric(
          m.name, m.value, m.tenant == null ? Map.of() : Map.of(TAG_TENANT, m.tenant.value()));
    }
  }
}
