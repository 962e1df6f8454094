package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
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
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The default {@link FieldService}: reads the continuation (404 for another tenant's), turns its
 * goal frame into a {@link FieldQuery}, runs {@link Recall} over the episodic channel and any
 * others it was given, and assembles the answer with {@link FieldAssembler} under the requested
 * budget and the tenant's {@link FieldWeights}, through a {@link FieldCache}.
 *
 * <p><b>Query.</b> The goal frame's text is its objective followed by its success criteria, one per
 * line; the query's corpus version joins the channels' own versions ({@code name=version}, sorted),
 * or is {@link FieldQuery#UNVERSIONED} when no channel has one. Recall asks each channel for {@link
 * #K_PER_CHANNEL} candidates on its own virtual thread and cuts it off after the recall timeout.
 *
 * <p><b>Cache.</b> The cache key is the goal-frame hash, the corpus version and the candidate set's
 * version, with the tenant, the continuation, the budget, the weights and each channel's outcome
 * folded into the corpus-version part, so one cache serves every tenant and budget: a repeat with
 * the same candidates is answered from the cache (until the manifest goes stale), and a new event
 * that the episodic channel recalls changes the candidate set and so the key.
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

  private static final System.Logger LOG = System.getLogger(FieldServices.class.getName());

  private static final Executor VIRTUAL_THREADS =
      task -> Thread.ofVirtual().name("field-recall").start(task);

  private final ContinuationService continuations;
  private final List<RecallChannel> channels;
  private final Recall recall;
  private final Function<TenantId, FieldWeights> weights;
  private final FieldAssembler assembler;
  private final FieldCache cache;
  private final Clock clock;

  /**
   * A service over {@code continuations} recalling from {@code channels} (distinct names; the
   * episodic channel is not added for you), weighting each tenant's field with {@code weights},
   * assembling with {@code assembler} and waiting at most {@code recallTimeout} for the channels.
   */
  public FieldServices(
      ContinuationService continuations,
      List<RecallChannel> channels,
      Function<TenantId, FieldWeights> weights,
      FieldAssembler assembler,
      Clock clock,
      Duration recallTimeout) {
    this.continuations = Objects.requireNonNull(continuations, "continuations");
    this.channels = List.copyOf(channels);
    this.weights = Objects.requireNonNull(weights, "weights");
    this.assembler = Objects.requireNonNull(assembler, "assembler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.recall = new Recall(this.channels, VIRTUAL_THREADS, recallTimeout);
    this.cache = new FieldCache(CACHE_ENTRIES, assembler.settings().ttl(), clock);
  }

  /**
   * The event-log channels (episodic, human, stream, graph) followed by {@code others} (one whose
   * name repeats an earlier one is logged and left out), with the default weights, settings and
   * timeout.
   */
  public static FieldServices of(
      ContinuationService continuations, List<RecallChannel> others, Clock clock) {
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
        continuations,
        all,
        tenant -> FieldWeights.DEFAULTS,
        new FieldAssembler(),
        clock,
        DEFAULT_RECALL_TIMEOUT);
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

  /** The channels recall asks, in order. */
  public List<RecallChannel> channels() {
    return channels;
  }

  /** The cache's counters. */
  public FieldCache.Stats cacheStats() {
    return cache.stats();
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
    FieldWeights w = weights.apply(tenant);
    var scope = new StringBuilder();
    scope.append(tenant.value()).append('/').append(id.value()).append('/').append(budget);
    scope.append('/').append(w);
    for (ChannelReport r : recalled.channels()) {
      scope.append('/').append(r.name()).append('=').append(r.outcome().wire());
    }
    var key =
        new FieldCacheKey(
            query.goalFrameHash(),
            scope + "|" + query.corpusVersion(),
            FieldAssembler.candidateSetVersion(recalled.candidates()));
    return cache.getOrAssemble(key, () -> assembler.assemble(query, recalled, budget, w, now));
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
