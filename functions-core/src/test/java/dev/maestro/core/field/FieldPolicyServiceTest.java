package dev.maestro.core.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The field service weights and assembles each tenant's field with that tenant's field policy, keys
 * the cache on it, and reports the cache's counters per tenant through {@link Observability}.
 */
class FieldPolicyServiceTest {

  static final TenantId ACME = TenantId.of("acme");
  static final TenantId GLOBEX = TenantId.of("globex");
  static final Instant SPAWNED = Instant.parse("2026-03-01T09:00:00Z");
  static final String OBJECTIVE = "Evidence brief on rumen-protected choline in dairy cows";

  /** Only recency counts. */
  static final FieldPolicy RECENCY_ONLY =
      new FieldPolicy(new FieldWeights(0, 0, 0, 1, 0, 0), 3600, 0, -10, 1.0, 60);

  /** Only trust counts, and fields go stale after 30 s. */
  static final FieldPolicy TRUST_ONLY =
      new FieldPolicy(new FieldWeights(0, 0, 0, 0, 1, 0), 86_400, 0, -10, 1.0, 30);

  /** Every metric a cache reported, in order. */
  record Recorded(String name, double value, Map<String, String> tags) {}

  static final class RecordingObservability implements Observability {
    final List<Recorded> metrics = new CopyOnWriteArrayList<>();

    @Override
    public void metric(String name, double value, Map<String, String> tags) {
      metrics.add(new Recorded(name, value, Map.copyOf(tags)));
    }

    @Override
    public void appended(EventEnvelope event) {}

    List<Recorded> named(String name, TenantId tenant) {
      return metrics.stream()
          .filter(m -> m.name().equals(name))
          .filter(m -> tenant.value().equals(m.tags().get(FieldCache.TAG_TENANT)))
          .toList();
    }
  }

  private final ManualClock clock = new ManualClock(SPAWNED.plus(Duration.ofHours(2)));
  private final MemorySubstrate memory = new MemorySubstrate();
  private final ContinuationService continuations =
      new ContinuationService(memory.substrate(), clock, new SplittableRandom(7));
  private final Map<TenantId, FieldPolicy> policies = new ConcurrentHashMap<>();
  private final RecordingObservability observed = new RecordingObservability();
  private final FieldServices fields =
      FieldServices.of(continuations, List.of(), clock, policies::get, observed);

  private ContinuationId spawnWithHistory(TenantId tenant) {
    ContinuationId id = memory.spawn(tenant, OBJECTIVE, SPAWNED).id();
    var json = JsonNodeFactory.instance;
    memory.append(
        id,
        new EventPayload.Published(
            "notes",
            json.objectNode()
                .put("finding", "Rumen-protected choline raised milk yield in dairy cows")));
    memory.append(
        id,
        new EventPayload.HumanSignal(
            "signal-1", "redirect", "ana", json.objectNode().put("note", "focus on dairy cows")));
    return id;
  }

  private static Principal caller(TenantId tenant) {
    return new Principal(tenant, "ana", Set.of());
  }

  @Test
  void givenTwoTenantsWithDifferentPolicies_whenEachAsksForAField_thenEachIsScoredWithItsOwn() {
    policies.put(ACME, RECENCY_ONLY);
    policies.put(GLOBEX, TRUST_ONLY);
    ContinuationId acmes = spawnWithHistory(ACME);
    ContinuationId globexs = spawnWithHistory(GLOBEX);

    FieldManifest acme = fields.field(caller(ACME), acmes, null);
    FieldManifest globex = fields.field(caller(GLOBEX), globexs, null);

    assertThat(acme.items()).isNotEmpty();
    assertThat(globex.items()).isNotEmpty();
    for (FieldItem item : acme.items()) {
      assertThat(item.breakdown().relevance()).isCloseTo(item.breakdown().recency(), within(1e-9));
    }
    for (FieldItem item : globex.items()) {
      assertThat(item.breakdown().relevance()).isCloseTo(item.breakdown().trust(), within(1e-9));
    }
    assertThat(acme.staleAt()).isEqualTo(clock.instant().plusSeconds(60));
    assertThat(globex.staleAt()).isEqualTo(clock.instant().plusSeconds(30));
  }

  @Test
  void givenATenantWithoutAPolicy_whenItAsksForAField_thenTheDefaultsApply() {
    ContinuationId id = spawnWithHistory(ACME);

    FieldManifest field = fields.field(caller(ACME), id, null);

    assertThat(field.staleAt()).isEqualTo(clock.instant().plus(FieldSettings.DEFAULTS.ttl()));
    FieldWeights w = FieldWeights.DEFAULTS;
    for (FieldItem item : field.items()) {
      ScoreBreakdown b = item.breakdown();
      double expected =
          w.rel() * b.rerank()
              + w.sem() * b.cosine()
              + w.lex() * b.bm25Norm()
              + w.rec() * b.recency()
              + w.trust() * b.trust();
      assertThat(b.relevance()).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void givenATenantsPolicyChanges_whenTheSameFieldIsAskedAgain_thenTheCacheDoesNotAnswer() {
    policies.put(ACME, RECENCY_ONLY);
    ContinuationId id = spawnWithHistory(ACME);
    FieldManifest before = fields.field(caller(ACME), id, null);
    FieldManifest repeat = fields.field(caller(ACME), id, null);

    policies.put(ACME, TRUST_ONLY);
    FieldManifest after = fields.field(caller(ACME), id, null);

    assertThat(repeat).isSameAs(before);
    assertThat(after).isNotSameAs(before);
    for (FieldItem item : after.items()) {
      assertThat(item.breakdown().relevance()).isCloseTo(item.breakdown().trust(), within(1e-9));
    }
    assertThat(fields.cacheStats(ACME)).isEqualTo(new FieldCache.Stats(1, 2, 0, 0, 2));
  }

  @Test
  void
      givenPolicyDocumentsInAStore_whenTheServiceLooksThemUp_thenTheDocumentsFieldSectionApplies() {
    var store = new InMemoryPolicyStore();
    PolicyDocument base = PolicyDocument.defaults(ACME);
    store.put(
        new PolicyDocument(
            base.version(),
            ACME,
            1,
            base.enabled(),
            base.tiers(),
            base.softCapFraction(),
            base.allowedTools(),
            base.costlyTools(),
            base.maxForks(),
            base.approval(),
            base.externalRuntimes(),
            base.deferSeconds(),
            null,
            TRUST_ONLY));
    try (var fromStore =
        FieldServices.of(
            continuations,
            List.of(),
            clock,
            t -> store.policyFor(t).document().fieldPolicy(),
            Observability.NONE)) {
      ContinuationId id = spawnWithHistory(ACME);

      FieldManifest field = fromStore.field(caller(ACME), id, null);

      assertThat(field.staleAt()).isEqualTo(clock.instant().plusSeconds(30));
      for (FieldItem item : field.items()) {
        assertThat(item.breakdown().relevance()).isCloseTo(item.breakdown().trust(), within(1e-9));
      }
    }
  }

  @Test
  void givenRepeatedFields_whenTheCacheAnswers_thenHitsMissesAndTheHitRateReachTheObservability() {
    ContinuationId acmes = spawnWithHistory(ACME);
    ContinuationId globexs = spawnWithHistory(GLOBEX);

    fields.field(caller(ACME), acmes, null); // miss
    fields.field(caller(ACME), acmes, null); // hit
    fields.field(caller(ACME), acmes, null); // hit
    fields.field(caller(GLOBEX), globexs, null); // miss

    assertThat(observed.named(FieldCache.METRIC_HITS, ACME)).hasSize(2);
    assertThat(observed.named(FieldCache.METRIC_MISSES, ACME)).hasSize(1);
    assertThat(observed.named(FieldCache.METRIC_MISSES, GLOBEX)).hasSize(1);
    assertThat(observed.named(FieldCache.METRIC_HITS, GLOBEX)).isEmpty();
    assertThat(observed.named(FieldCache.METRIC_HIT_RATE, ACME))
        .extracting(Recorded::value)
        .containsExactly(0.0, 0.5, 2.0 / 3);
    assertThat(observed.named(FieldCache.METRIC_HIT_RATE, GLOBEX))
        .extracting(Recorded::value)
        .containsExactly(0.0);
    assertThat(observed.metrics).allMatch(m -> m.tags().keySet().equals(Set.of("tenant")));
    assertThat(fields.cacheStats(ACME).hitRate()).isEqualTo(2.0 / 3);
  }
}
