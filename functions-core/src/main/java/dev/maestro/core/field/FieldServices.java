package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The default {@link FieldService}: reads the continuation (404 for another tenant's), turns its
 * goal frame into a {@link FieldQuery}, runs {@link Recall} over the episodic channel and any
 * others it was given, and assembles the answer with {@link FieldAssembler} under the requested
 * budget and the caller's tenant's {@link FieldPolicy} (its weights and settings, from the {@code
 * field} section of its policy document), through a {@link FieldCache}.
 *
 * <p><b>Per-tenant configuration.</b> A runtime passes the tenant policy lookup, e.g. {@code t ->
 * policies.policyFor(t).document().fieldPolicy()}; the lookup is asked on every request (a policy
 * store serves from memory), so a reloaded policy applies to the next field. A lookup that answers
 * {@code null} means {@link FieldPolicy#DEFAULTS}.
 *
 * <p><b>Query.</b> The goal frame's text is its objective followed by its success criteria, one per
 * line; the query's corpus version joins the channels' own versions ({@code name=version}, sorted),
 * or is {@link FieldQuery#UNVERSIONED} when no channel has one. Recall asks each channel for {@link
 * #K_PER_CHANNEL} candidates on its own virtual thread and cuts it off after the recall timeout.
 *
 * <p><b>Cache.</b> The cache key is the goal-frame hash, the corpus version and the candidate set's
 * version, with the tenant, the continuation, the budget, the tenant's whole field policy and each
 * channel's outcome folded into the corpus-version part (two tenants, or one tenant before and
 * after a policy change, never share an entry), so one cache serves every tenant and budget: a
 * repeat with the same candidates is answered from the cache (until the manifest goes stale), and a
 * new event that the episodic channel recalls changes the candidate set and so the key. The cache
 * reports its hits, misses, evictions and hit rate per tenant to the {@link Observability} given at
 * construction (see {@link FieldCache}).
 *
 * <p>Thread-safe. {@link #close()} closes the channels that hold resources (an open index).
 */
public final class FieldServices implements FieldService, AutoCloseable {

  /** How many candidates each channel is asked for. */
  public static final int K_PER_CHANNEL = 100;

  /** How long recall waits for the channels. */
  public static final Duration DEFAULT_RECALL_TIMEOUT = Duration.ofSeconds(2);

  /** How many assembled fields the cache holds. */
  public static final int CACHE_ENTRIES = 512;

  /**
   * The longest a cached field is kept whatever its policy; each field's own TTL (its tenant's
   * {@link FieldPolicy#ttlSeconds()}, via {@link FieldManifest#staleAt()}) usually ends it sooner.
   */
  static final Duration CACHE_CEILING = Duration.ofDays(1);

  private static final System.Logger LOG = System.getLogger(FieldServices.class.getName());

  private static final Executor VIRTUAL_THREADS =
      task -> Thread.ofVirtual().name("field-recall").start(task);

  private final ContinuationService continuations;
  private final List<RecallChannel> channels;
  private final Recall recall;
  private final Function<TenantId, FieldPolicy> policies;
  private final Map<FieldSettings, FieldAssembler> assemblers = new ConcurrentHashMap<>();
  private final FieldCache cache;
  private final Clock clock;

  /**
   * A service over {@code continuations} recalling from {@code channels} (distinct names; the
   * episodic channel is not added for you), weighting each tenant's field with {@code weights},
   * assembling with {@code assembler}'s settings for every tenant and waiting at most {@code
   * recallTimeout} for the channels.
   */
  public FieldServices(
      ContinuationService continuations,
      List<RecallChannel> channels,
      Function<TenantId, FieldWeights> weights,
      FieldAssembler assembler,
      Clock clock,
      Duration recallTimeout) {
    this(
        continuations,
        channels,
        tenantPolicies(weights, assembler.settings()),
        clock,
        recallTimeout,
        Observability.NONE);
  }

  /**
   * A service over {@code continuations} recalling from {@code channels} (distinct names; the
   * episodic channel is not added for you), scoring and assembling each tenant's field with the
   * {@link FieldPolicy} {@code policies} answers for it, waiting at most {@code recallTimeout} for
   * the channels, and reporting the cache's counters to {@code observability}.
   */
  public FieldServices(
      ContinuationService continuations,
      List<RecallChannel> channels,
      Function<TenantId, FieldPolicy> policies,
      Clock clock,
      Duration recallTimeout,
      Observability observability) {
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.channels = List.copyOf(channels);
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recall = new Recall(this.channels, VIRTUAL_THREADS, recallTimeout);
    this.cache = new FieldCache(CACHE_ENTRIES, CACHE_CEILING, clock, observability);
  }

  private static Function<TenantId, FieldPolicy> tenantPolicies(
      Function<TenantId, FieldWeights> weights, FieldSettings settings) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(settings, "settings");
    return tenant -> FieldPolicy.of(weights.apply(tenant), settings);
  }

  /**
   * The event-log channels (episodic, human, stream, graph) followed by {@code others} (one whose
   * name repeats an earlier one is logged and left out), with the default weights, settings and
   * timeout.
   */
  public static FieldServices of(
      ContinuationService continuations, List<RecallChannel> others, Clock clock) {
    return of(continuations, others, clock, tenant -> FieldPolicy.DEFAULTS, Observability.NONE);
  }

  /**
   * As {@link #of(ContinuationService, List, Clock)}, with each tenant's {@link FieldPolicy} from
   * {@code policies} (e.g. {@code t -> policyStore.policyFor(t).document().fieldPolicy()}) and the
   * cache's metrics reported to {@code observability}.
   */
  public static FieldServices of(
      ContinuationService continuations,
      List<RecallChannel> others,
      Clock clock,
      Function<TenantId, FieldPolicy> policies,
      Observability observability) {
    var all = new ArrayList<RecallChannel>();
    all.add(new EpisodicChannel(continuations));
    all.add(new HumanChannel(continuations));
    all.add(new StreamChannel(continuations));
    all.add(new GraphChannel(continuations));
    var names = new HashSet<String>();
    for (RecallChannel c : all) names.add(c.name());
    for (RecallChannel c : others) {
      if (names.add(c.name())) {
        all.add(c);
      } else {
        LOG.log(
            System.Logger.Level.WARNING, "a second field channel named {0} is ignored", c.name());
      }
    }
    return new FieldServices(
        continuations, all, policies, clock, DEFAULT_RECALL_TIMEOUT, observability);
  }

  /** The episodic channel only: what every runtime serves even with no document index. */
  public static FieldServices episodic(ContinuationService continuations, Clock clock) {
    return of(continuations, List.of(), clock);
  }

  /**
   * The episodic channel and every channel the {@link FieldSource}s on the class path open for a
   * runtime with {@code dataDir} and {@code settings}.
   */
  public static FieldServices discovered(
      ContinuationService continuations, Clock clock, Path dataDir, Map<String, String> settings) {
    return of(continuations, FieldSource.discover(dataDir, settings), clock);
  }

  /**
   * As {@link #discovered(ContinuationService, Clock, Path, Map)}, with each tenant's {@link
   * FieldPolicy} from {@code policies} and the cache's metrics reported to {@code observability}.
   */
  public static FieldServices discovered(
      ContinuationService continuations,
      Clock clock,
      Path dataDir,
      Map<String, String> settings,
      Function<TenantId, FieldPolicy> policies,
      Observability observability) {
    return of(
        continuations, FieldSource.discover(dataDir, settings), clock, policies, observability);
  }

  /** The channels recall asks, in order. */
  public List<RecallChannel> channels() {
    return channels;
  }

  /** The cache's counters. */
  public FieldCache.Stats cacheStats() {
    return cache.stats();
  }

  /** The cache's counters for {@code tenant}'s lookups and entries. */
  public FieldCache.Stats cacheStats(TenantId tenant) {
    return cache.stats(tenant);
  }

  @Override
  public FieldManifest field(Principal caller, ContinuationId id, Integer budgetTokens) {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(id, "id");
    int budget = FieldService.budget(budgetTokens);
    GoalFrame goal = continuations.get(caller, id).continuation().goalFrame();
    Instant now = clock.instant();
    TenantId tenant = caller.tenant();
    var query =
        new FieldQuery(tenant, id, goalText(goal), null, K_PER_CHANNEL, now, corpusVersion());
    RecallResult recalled = recall.recall(query);
    FieldPolicy policy = policyOf(tenant);
    var scope = new StringBuilder();
    scope.append(tenant.value()).append('/').append(id.value()).append('/').append(budget);
    scope.append('/').append(policy);
    for (ChannelReport r : recalled.channels()) {
      scope.append('/').append(r.name()).append('=').append(r.outcome().wire());
    }
    var key =
        new FieldCacheKey(
            query.goalFrameHash(),
            scope + "|" + query.corpusVersion(),
            FieldAssembler.candidateSetVersion(recalled.candidates()));
    FieldAssembler assembler = assemblers.computeIfAbsent(policy.settings(), FieldAssembler::new);
    return cache.getOrAssemble(
        tenant, key, () -> assembler.assemble(query, recalled, budget, policy.weights(), now));
  }

  /** The tenant's field policy; the defaults when the lookup has none. */
  private FieldPolicy policyOf(TenantId tenant) {
    FieldPolicy p = policies.apply(tenant);
    return p != null ? p : FieldPolicy.DEFAULTS;
  }

  /** The goal frame as query text: the objective, then each success criterion on its own line. */
  static String goalText(GoalFrame goal) {
    var text = new StringBuilder(goal.objective());
    for (String criterion : goal.successCriteria()) text.append('\n').append(criterion);
    return text.toString();
  }

  private String corpusVersion() {
    var versions = new TreeMap<String, String>();
    for (RecallChannel c : channels) {
      String v = c.corpusVersion();
      if (v != null && !v.isBlank()) versions.put(c.name(), v);
    }
    if (versions.isEmpty()) return FieldQuery.UNVERSIONED;
    var out = new StringBuilder();
    versions.forEach(
        (name, v) -> out.append(out.isEmpty() ? "" : ",").append(name).append('=').append(v));
    return out.toString();
  }

  /** Closes every channel that holds resources; a failure is logged and the rest still close. */
  @Override
  public void close() {
    for (RecallChannel c : channels) {
      if (c instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.log(System.Logger.Level.WARNING, "field channel " + c.name() + " did not close", e);
        }
      }
    }
  }
}
