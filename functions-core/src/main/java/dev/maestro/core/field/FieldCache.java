package dev.maestro.core.field;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
 * expirations (an expired entry found by a lookup, which is also a miss).
 *
 * <p>All state sits behind one lock; {@link #getOrAssemble} assembles outside it, so two callers
 * missing on the same key at once may both assemble (the last one stored wins).
 */
public final class FieldCache {

  private final int maxEntries;
  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<FieldCacheKey, Entry> entries;
  private long hits;
  private long misses;
  private long evictions;
  private long expirations;

  /**
   * Hit, miss, eviction and expiration counts and the current size.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups not answered (absent or expired)
   * @param evictions entries removed to respect the size bound
   * @param expirations expired entries removed on lookup
   * @param size entries held now
   */
  public record Stats(long hits, long misses, long evictions, long expirations, int size) {}

  private record Entry(FieldManifest manifest, Instant expiresAt) {}

  /** A cache of at most {@code maxEntries} (>= 1) fields, each kept at most {@code ttl}. */
  public FieldCache(int maxEntries, Duration ttl, Clock clock) {
    if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be >= 1");
    this.maxEntries = maxEntries;
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be > 0");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The fresh field cached under {@code key}, counting a hit or a miss. */
  public synchronized Optional<FieldManifest> get(FieldCacheKey key) {
    Objects.requireNonNull(key, "key");
    Entry e = entries.get(key);
    if (e == null) {
      misses++;
      return Optional.empty();
    }
    if (!clock.instant().isBefore(e.expiresAt)) {
      entries.remove(key);
      expirations++;
      misses++;
      return Optional.empty();
    }
    hits++;
    return Optional.of(e.manifest);
  }

  /** Caches {@code manifest} under {@code key}, evicting the least recently used when full. */
  public synchronized void put(FieldCacheKey key, FieldManifest manifest) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(manifest, "manifest");
    Instant byTtl = clock.instant().plus(ttl);
    Instant expiresAt = byTtl.isBefore(manifest.staleAt()) ? byTtl : manifest.staleAt();
    entries.put(key, new Entry(manifest, expiresAt));
    Iterator<Map.Entry<FieldCacheKey, Entry>> it = entries.entrySet().iterator();
    while (entries.size() > maxEntries && it.hasNext()) {
      it.next();
      it.remove();
      evictions++;
    }
  }

  /** The cached field for {@code key}, or a new one from {@code assemble}, then cached. */
  public FieldManifest getOrAssemble(FieldCacheKey key, Supplier<FieldManifest> assemble) {
    Optional<FieldManifest> cached = get(key);
    if (cached.isPresent()) return cached.get();
    FieldManifest fresh = Objects.requireNonNull(assemble.get(), "assembled manifest");
    put(key, fresh);
    return fresh;
  }

  /** Drops every entry (counters are kept). */
  public synchronized void clear() {
    entries.clear();
  }

  /** The counters and size, as of now. */
  public synchronized Stats stats() {
    return new Stats(hits, misses, evictions, expirations, entries.size());
  }
}
