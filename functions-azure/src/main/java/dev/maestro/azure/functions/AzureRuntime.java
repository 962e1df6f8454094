package dev.maestro.azure.functions;

import com.azure.cosmos.ConsistencyLevel;
import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.microsoft.durabletask.DurableTaskClient;
import dev.maestro.azure.cosmos.CosmosBudgetLedger;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosSubstrate;
import dev.maestro.azure.durable.ContinuationReader;
import dev.maestro.azure.durable.DurableScheduler;
import dev.maestro.azure.durable.TickActivities;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.budget.BudgetAlerts;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetWatch;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.lifecycle.MergeFunctions;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.policy.learned.LearnedPolicySource;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.freeze.FreezeOverrides;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.otel.OtelObservability;
import dev.maestro.otel.SpawnSpans;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What every Maestro function of one Functions app instance shares, built once: the Cosmos DB
 * substrate, budget ledger and clock, from which the API router (per request, with its Durable
 * client) and the tick activity are made. Environment: see {@link #fromEnvironment}.
 *
 * <p>The router refuses new work past a tenant's daily budget cap (BRIEF §9): a create, approve or
 * redirect gets 429 with {@code Retry-After} until the next UTC midnight once the tenant's day in
 * the {@link CosmosBudgetLedger} is at its cap. The cap is the tenant policy's {@code
 * daily.dailyUsd}, pushed into the ledger by the ingress check; threshold alerts (50/80/100 %) are
 * logged once each by a {@link BudgetWatch}.
 */
public final class AzureRuntime {

  /** A tick's lease: longer than an activity's timeout. */
  public static final Duration LEASE_TTL = Duration.ofMinutes(2);

  /** How long a budget reservation is held unsettled: longer than any model call. */
  public static final Duration RESERVATION_TTL = Duration.ofMinutes(15);

  private static final System.Logger LOG = System.getLogger(AzureRuntime.class.getName());

  /** Refuses every caller: the router's own identity is never the one used here. */
  static final Identity NO_DIRECT_CALLERS =
      header -> {
        throw new UnauthorizedException("callers are authenticated by App Service authentication");
      };

  private final CosmosSubstrate cosmos;
  private final SecureRandom random = new SecureRandom();
  private final TickEngine engine;
  private final TickActivities activities;
  private final TimerQueue ledger;
  private final Substrate substrate;
  private final Clock clock;

  // The tenant policy documents in MAESTRO_POLICY_DIR (shipped in the package or mounted), else
  // none.
  /** The tenant documents as deployed; PII redaction reads them. */
  private final PolicyStore documents = InMemoryPolicyStore.fromEnvironment(System.getenv());

  /** The documents with the {@code MAESTRO_FROZEN_TENANTS} emergency freezes applied. */
  private final PolicyStore policies =
      FreezeOverrides.fromEnvironment(System.getenv()).applyTo(documents);

  private final BudgetLedger budget;
  private final TenantDailyCap dailyCap;
  // The learned policy when the package carries one (policy-onnx); the rules only otherwise.
  private final ShadowKernel shadow = LearnedPolicySource.shadowKernel(System.getenv());
  private final FieldService fields;
  private final String holder = "azure:" + UUID.randomUUID();
  private final Observability observability;

  /**
   * A runtime over {@code cosmos}. Its own scheduler is the timer ledger alone: what the tick
   * activity registers (the next timer) is delivered by the orchestration's durable timer. Requests
   * that must reach an orchestration use {@link #router(DurableTaskClient)}.
   */
  public AzureRuntime(CosmosSubstrate cosmos, Clock clock) {
    this(cosmos, clock, Map.of());
  }

  /**
   * As above, exporting spans and metrics over OTLP when {@code otelEnv} names an endpoint (the
   * standard {@code OTEL_*} variables; service {@code maestro-azure}): the tick activity's events
   * and the API's spawns, each tick flushed before its activity returns.
   */
  public AzureRuntime(CosmosSubstrate cosmos, Clock clock, Map<String, String> otelEnv) {
    this(
        cosmos,
        cosmos.substrate(),
        cosmos.timers(),
        new CosmosBudgetLedger(cosmos.client(), cosmos.containers(), clock, RESERVATION_TTL),
        clock,
        otelEnv);
  }

  /**
   * A runtime over any substrate (the local invocation runs the functions on the embedded store):
   * {@code ledger} is its timer table, used as the scheduler by activities and under the Durable
   * scheduler by requests.
   */
  public AzureRuntime(Substrate substrate, TimerQueue ledger, Clock clock) {
    this(null, substrate, ledger, null, clock, Map.of());
  }

  /**
   * A runtime over any substrate whose API refuses work past each tenant's daily cap as kept in
   * {@code budget} (alerts logged through a {@link BudgetWatch}).
   */
  public AzureRuntime(Substrate substrate, TimerQueue ledger, BudgetLedger budget, Clock clock) {
    this(null, substrate, ledger, Objects.requireNonNull(budget, "budget"), clock, Map.of());
  }

  private AzureRuntime(
      CosmosSubstrate cosmos,
      Substrate substrate,
      TimerQueue ledger,
      BudgetLedger budget,
      Clock clock,
      Map<String, String> otelEnv) {
    this.cosmos = cosmos;
    this.budget = budget == null ? null : new BudgetWatch(budget, BudgetAlerts.LOG, clock);
    this.dailyCap =
        this.budget == null
            ? TenantDailyCap.none()
            : TenantDailyCap.of(
                this.budget, clock, tenant -> policies.policyFor(tenant).dailyLimits());
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.substrate =
        new Substrate(
            substrate.continuations(), substrate.events(), ledger, substrate.idempotency());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observability =
        OtelObservability.fromEnvironment(
                "azure", otelEnv, SpawnSpans.fromLog(this.substrate.events()), true)
            .<Observability>map(o -> o)
            .orElse(Observability.NONE);
    this.engine =
        new TickEngine(
            this.substrate,
            Recipes.builtIn(),
            this.clock,
            holder,
            LEASE_TTL,
            observability,
            random,
            PiiRedaction.fromPolicies(documents));
    this.activities =
        new TickActivities(() -> engine, ContinuationReader.of(this.substrate), this.clock);
    // One field service per instance (its cache outlives a request's router); it only reads.
    this.fields =
        FieldServices.of(
            new ContinuationService(this.substrate, this.clock, random),
            java.util.List.of(),
            clock,
            t -> policies.policyFor(t).document().fieldPolicy(),
            observability);
  }

  private static volatile AzureRuntime container;

  /**
   * The app instance's runtime, built on first use from the process environment. A configuration
   * error is thrown to every caller (and retried), naming what is missing.
   */
  public static AzureRuntime container() {
    AzureRuntime runtime = container;
    if (runtime != null) return runtime;
    synchronized (AzureRuntime.class) {
      if (container == null) container = fromEnvironment(System.getenv());
      return container;
    }
  }

  /**
   * Builds the runtime from {@code env}; a missing variable is named in the error.
   *
   * <ul>
   *   <li>{@code MAESTRO_COSMOS_ENDPOINT}, {@code MAESTRO_COSMOS_KEY} (required): the account.
   *   <li>{@code MAESTRO_COSMOS_DATABASE} (default {@code maestro}), {@code
   *       MAESTRO_CONTAINER_PREFIX} (default empty): where the containers are.
   *   <li>{@code MAESTRO_TENANT_CLAIM}: see {@link EasyAuthIdentity}.
   *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} and the other standard {@code OTEL_*} variables:
   *       spans and metrics over OTLP/HTTP (observability-otel); unset, nothing is exported.
   * </ul>
   */
  static AzureRuntime fromEnvironment(Map<String, String> env) {
    CosmosAsyncClient client =
        new CosmosClientBuilder()
            .endpoint(required(env, "MAESTRO_COSMOS_ENDPOINT", "the Cosmos DB account endpoint"))
            .key(required(env, "MAESTRO_COSMOS_KEY", "the Cosmos DB account key"))
            .consistencyLevel(ConsistencyLevel.STRONG)
            .contentResponseOnWriteEnabled(true)
            .buildAsyncClient();
    var containers =
        new CosmosContainers(
            env.getOrDefault("MAESTRO_COSMOS_DATABASE", "maestro"),
            env.getOrDefault("MAESTRO_CONTAINER_PREFIX", ""));
    return new AzureRuntime(new CosmosSubstrate(client, containers), Clock.systemUTC(), env);
  }

  private static String required(Map<String, String> env, String name, String what) {
    String value = env.get(name);
    if (value == null || value.isBlank())
      throw new IllegalStateException(name + " must be set: " + what);
    return value;
  }

  /**
   * The Cosmos DB substrate this runtime was built on, whose client the app's other containers
   * (subscriptions, CDC cursors) share.
   *
   * @throws IllegalStateException if the runtime runs on another substrate (a local invocation)
   */
  public CosmosSubstrate cosmos() {
    if (cosmos == null) throw new IllegalStateException("this runtime is not backed by Cosmos DB");
    return cosmos;
  }

  /** The ports, with the timer ledger as the scheduler (activities). */
  public Substrate substrate() {
    return substrate;
  }

  /**
   * The API router for one request, whose wakes reach orchestrations through {@code client} (the
   * request's Durable client binding): a create starts the continuation's orchestration, a signal
   * or kill raises its {@code wake} event. Callers authenticate per request ({@link
   * EasyAuthIdentity}).
   */
  public ApiRouter router(DurableTaskClient client) {
    var scheduler = new DurableScheduler(ledger, client, clock);
    var withDurable =
        new Substrate(
            substrate.continuations(), substrate.events(), scheduler, substrate.idempotency());
    var service =
        new ContinuationService(
            withDurable,
            clock,
            random,
            observability,
            MergeFunctions.builtIn(),
            PiiRedaction.fromPolicies(documents));
    return new ApiRouter(
        service, NO_DIRECT_CALLERS, Recipes.builtIn(), policies, clock, dailyCap, shadow, fields);
  }

  /**
   * The budget ledger behind the daily cap (wrapped in a {@link BudgetWatch} that logs alerts).
   *
   * @throws IllegalStateException if the runtime was built without one (a local invocation)
   */
  public BudgetLedger budget() {
    if (budget == null) throw new IllegalStateException("this runtime has no budget ledger");
    return budget;
  }

  /** The tenant policies the API decides with and takes daily caps from. */
  public PolicyStore policies() {
    return policies;
  }

  /**
   * The scheduler for one invocation whose wakes reach orchestrations through {@code client} (the
   * invocation's Durable client binding): a wake due now raises the continuation's {@code wake}
   * event. Stream triggers deliver their wakes through it.
   */
  public DurableScheduler scheduler(DurableTaskClient client) {
    return new DurableScheduler(ledger, client, clock);
  }

  /** Where this runtime reports events and metrics: OpenTelemetry when configured, else none. */
  public Observability observability() {
    return observability;
  }

  /** The runtime's clock. */
  public Clock clock() {
    return clock;
  }

  /** The {@code tick} activity over this runtime (one per app instance). */
  public TickActivities tickActivities() {
    return activities;
  }

  /** The app instance's tick engine, with the built-in recipes. */
  public TickEngine tickEngine() {
    return engine;
  }

  /** The JWT claim naming the tenant: {@code MAESTRO_TENANT_CLAIM}, or the default. */
  static String tenantClaim(Map<String, String> env) {
    String claim = env.get("MAESTRO_TENANT_CLAIM");
    return claim == null || claim.isBlank() ? EasyAuthIdentity.DEFAULT_TENANT_CLAIM : claim;
  }
}
