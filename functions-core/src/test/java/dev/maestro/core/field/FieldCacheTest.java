package dev.maestro.core.field;

import static dev.maestro.core.field.Fixtures.NOW;
import static dev.maestro.core.field.Fixtures.candidate;
import static dev.maestro.core.field.Fixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The field cache's hits, misses, expiry and size bound. */
class FieldCacheTest {

  private final ManualClock clock = new ManualClock(NOW);
  private final FieldAssembler assembler = new FieldAssembler();

  private FieldManifest manifest(List<FieldCandidate> candidates) {
    return assembler.assemble(query(), candidates, 100, FieldWeights.DEFAULTS, clock.instant());
  }

  private static List<FieldCandidate> set(String id) {
    return List.of(candidate(id, "text " + id, 5, Map.of(FieldCandidate.COSINE, 0.5)));
  }

  @Test
  void givenAnEmptyCache_whenLookedUpThenFilled_thenAMissThenAHit() {
    var cache = new FieldCache(4, Duration.ofMinutes(5), clock);
    var key = FieldCacheKey.of(query(), set("a"));

    assertThat(cache.get(key)).isEmpty();
    cache.put(key, manifest(set("a")));

    assertThat(cache.get(key)).isPresent();
    assertThat(cache.stats()).isEqualTo(new FieldCache.Stats(1, 1, 0, 0, 1));
  }

  @Test
  void givenTheSameInputs_whenKeyed_thenTheKeysAreEqual_andAnotherCandidateSetGivesAnotherKey() {
    assertThat(FieldCacheKey.of(query(), set("a"))).isEqualTo(FieldCacheKey.of(query(), set("a")));
    assertThat(FieldCacheKey.of(query(), set("a")))
        .isNotEqualTo(FieldCacheKey.of(query(), set("b")));
    assertThat(FieldCacheKey.of(query(), set("a")))
        .isNotEqualTo(FieldCacheKey.of(query().withCorpusVersion("v2"), set("a")));
    assertThat(FieldCacheKey.of(manifest(set("a")))).isEqualTo(FieldCacheKey.of(query(), set("a")));
  }

  @Test
  void givenAnEntryOlderThanTheTtl_whenLookedUp_thenAMissAndAnExpiration() {
    var cache = new FieldCache(4, Duration.ofMinutes(1), clock);
    var key = FieldCacheKey.of(query(), set("a"));
    cache.put(key, manifest(set("a")));

    clock.advance(Duration.ofSeconds(59));
    assertThat(cache.get(key)).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cache.get(key)).isEmpty();

    assertThat(cache.stats()).isEqualTo(new FieldCache.Stats(1, 1, 0, 1, 0));
  }

  @Test
  void givenAManifestStaleBeforeTheCacheTtl_whenLookedUpAfterStaleAt_thenAMiss() {
    var cache = new FieldCache(4, Duration.ofHours(1), clock);
    var key = FieldCacheKey.of(query(), set("a"));
    FieldManifest m = manifest(set("a"));
    cache.put(key, m);

    clock.advanceTo(m.staleAt());

    assertThat(cache.get(key)).isEmpty();
    assertThat(cache.stats().expirations()).isEqualTo(1);
  }

  @Test
  void givenAFullCache_whenAnotherIsPut_thenTheLeastRecentlyUsedIsEvicted() {
    var cache = new FieldCache(2, Duration.ofMinutes(5), clock);
    var a = FieldCacheKey.of(query(), set("a"));
    var b = FieldCacheKey.of(query(), set("b"));
    var c = FieldCacheKey.of(query(), set("c"));
    cache.put(a, manifest(set("a")));
    cache.put(b, manifest(set("b")));
    cache.get(a);

    cache.put(c, manifest(set("c")));

    assertThat(cache.get(b)).isEmpty();
    assertThat(cache.get(a)).isPresent();
    assertThat(cache.get(c)).isPresent();
    assertThat(cache.stats()).isEqualTo(new FieldCache.Stats(3, 1, 1, 0, 2));
  }

  @Test
  void givenARepeat_whenGetOrAssemble_thenTheSecondIsServedWithoutAssembling() {
    var cache = new FieldCache(4, Duration.ofMinutes(5), clock);
    var key = FieldCacheKey.of(query(), set("a"));
    var assembled = new AtomicInteger();

    FieldManifest first =
        cache.getOrAssemble(
            key,
            () -> {
              assembled.incrementAndGet();
              return manifest(set("a"));
            });
    FieldManifest second =
        cache.getOrAssemble(
            key,
            () -> {
              assembled.incrementAndGet();
              return manifest(set("a"));
            });

    assertThat(second).isSameAs(first);
    assertThat(assembled).hasValue(1);
  }

  @Test
  void givenManyThreads_whenTheyShareTheCache_thenTheCountersAddUp() throws Exception {
    var cache = new FieldCache(3, Duration.ofMinutes(5), clock);
    var keys = new ArrayList<FieldCacheKey>();
    var manifests = new ArrayList<FieldManifest>();
    for (String id : List.of("a", "b", "c", "d", "e")) {
      keys.add(FieldCacheKey.of(query(), set(id)));
      manifests.add(manifest(set(id)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var tasks = new ArrayList<Callable<Void>>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        tasks.add(
            () -> {
              for (int i = 0; i < 500; i++) {
                int k = (i + offset) % keys.size();
                cache.getOrAssemble(keys.get(k), () -> manifests.get(k));
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(tasks, 10, TimeUnit.SECONDS)) f.get();
    } finally {
      pool.shutdownNow();
    }

    FieldCache.Stats s = cache.stats();
    assertThat(s.hits() + s.misses()).isEqualTo(2000);
    assertThat(s.size()).isLessThanOrEqualTo(3);
    assertThat(s.evictions()).isGreaterThan(0);
  }

  @Test
  void givenAFullCache_whenAnotherFieldIsStored_thenTheEvictionIsReportedForTheEvictedTenant() {
    var observed = new FieldPolicyServiceTest.RecordingObservability();
    var cache = new FieldCache(1, Duration.ofMinutes(5), clock, observed);
    var a = FieldCacheKey.of(query(), set("a"));
    var b = FieldCacheKey.of(query(), set("b"));

    cache.getOrAssemble(Fixtures.TENANT, a, () -> manifest(set("a")));
    cache.getOrAssemble(Fixtures.TENANT, b, () -> manifest(set("b")));

    assertThat(observed.named(FieldCache.METRIC_EVICTIONS, Fixtures.TENANT))
        .extracting(FieldPolicyServiceTest.Recorded::value)
        .containsExactly(1.0);
    assertThat(observed.named(FieldCache.METRIC_MISSES, Fixtures.TENANT)).hasSize(2);
    assertThat(cache.stats(Fixtures.TENANT)).isEqualTo(new FieldCache.Stats(0, 2, 1, 0, 1));
  }

  @Test
  void givenAnExpiredEntry_whenLookedUpForATenant_thenTheExpirationAndMissAreReported() {
    var observed = new FieldPolicyServiceTest.RecordingObservability();
    var cache = new FieldCache(4, Duration.ofMinutes(1), clock, observed);
    var a = FieldCacheKey.of(query(), set("a"));
    cache.put(a, manifest(set("a")));

    clock.advance(Duration.ofMinutes(2));

    assertThat(cache.get(Fixtures.TENANT, a)).isEmpty();
    assertThat(observed.named(FieldCache.METRIC_EXPIRATIONS, Fixtures.TENANT)).hasSize(1);
    assertThat(observed.named(FieldCache.METRIC_HIT_RATE, Fixtures.TENANT))
        .extracting(FieldPolicyServiceTest.Recorded::value)
        .containsExactly(0.0);
    assertThat(cache.stats(Fixtures.TENANT)).isEqualTo(new FieldCache.Stats(0, 1, 0, 1, 0));
  }
}
