package dev.maestro.aws.lambda;

import dev.maestro.aws.dynamodb.DynamoBudgetLedger;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.budget.BudgetAlerts;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetWatch;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.security.freeze.FreezeOverrides;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.otel.OtelObservability;
import dev.maestro.otel.SpawnSpans;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every Maestro function in one container shares, built once from the environment: the
 * DynamoDB client and substrate, the scheduler, the clock, this container's lease holder name, and
 * the budget ledger ({@link DynamoBudgetLedger} in the {@code budget} table, wrapped in a {@link
 * BudgetWatch} that logs the 50/80/100 % tenant-day alerts once each) with the tenant daily cap the
 * API enforces at ingress (BRIEF §9), whose limits come from the tenant policies.
 *
 * <p>Environment:
 *
 * <ul>
 *   <li>{@code MAESTRO_TABLE_PREFIX} (required): the DynamoDB table prefix ({@link DynamoTables}).
 *   <li>{@code MAESTRO_DYNAMODB_ENDPOINT}: an endpoint override (DynamoDB Local).
 *   <li>{@code MAESTRO_LEASE_TTL} (ISO-8601, default {@code PT2M}): how long a tick's lease lasts;
 *       longer than the tick functions' timeout.
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} and the other standard {@code OTEL_*} variables
 *       (observability-otel's {@code OtlpSettings}): when set, every tick engine made here also
 *       reports its events as spans and metrics over OTLP/HTTP (service {@code maestro-aws}), each
 *       tick's spans and metrics flushed before the invocation returns. Unset: nothing is built.
 * </ul>
 *
 * The AWS SDK reads the region and credentials from the Lambda environment as usual.
 */
public final class AwsRuntime {

  /** The default lease: longer than a tick function's timeout, within the Express window. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofMinutes(2);

  /** How long a budget reservation is held unsettled: longer than any model call. */
  public static final Duration RESERVATION_TTL = Duration.ofMinutes(15);

  private static final System.Logger LOG = System.getLogger(AwsRuntime.class.getName());

  private final DynamoDbClient client;
  private final DynamoTables tables;
  private final DynamoSubstrate dynamo;
  private final Substrate substrate;
  private final Clock clock;
  private final String holder;
  private final Duration leaseTtl;

  // The tenant policy documents in MAESTRO_POLICY_DIR (shipped in the package or mounted), else
  // none.
  /** The tenant documents as deployed; PII redaction reads them. */
  private final PolicyStore documents = InMemoryPolicyStore.fromEnvironment(System.getenv());

  /** The documents with the {@code MAESTRO_FROZEN_TENANTS} emergency freezes applied. */
  private final PolicyStore policies =
      FreezeOverrides.fromEnvironment(System.getenv()).applyTo(documents);

  private final BudgetLedger budget;
  private final TenantDailyCap dailyCap;
  private final Observability observability;

  /**
   * @param schedulerFor the scheduler to use given the timer ledger (the ledger itself when timers
   *     are polled by the sweeper)
   */
  public AwsRuntime(
      DynamoDbClient client,
      DynamoTables tables,
      Function<TimerQueue, Scheduler> schedulerFor,
      Clock clock,
      String holder,
      Duration leaseTtl) {
    this(client, tables, schedulerFor, clock, holder, leaseTtl, Map.of());
  }

  /**
   * As above, exporting spans and metrics over OTLP when {@code otelEnv} names an endpoint.
   *
   * @param otelEnv the standard {@code OTEL_*} variables (an empty map: no export)
   */
  public AwsRuntime(
      DynamoDbClient client,
      DynamoTables tables,
      Function<TimerQueue, Scheduler> schedulerFor,
      Clock clock,
      String holder,
      Duration leaseTtl,
      Map<String, String> otelEnv) {
    this.client = Objects.requireNonNull(client, "client");
    this.tables = Objects.requireNonNull(tables, "tables");
    this.dynamo = new DynamoSubstrate(client, tables);
    Substrate base = dynamo.substrate();
    this.substrate =
        new Substrate(
            base.continuations(),
            base.events(),
            Objects.requireNonNull(schedulerFor.apply(dynamo.timers()), "scheduler"),
            base.idempotency());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
    this.budget =
        new BudgetWatch(
            new DynamoBudgetLedger(client, tables, clock, RESERVATION_TTL),
            BudgetAlerts.LOG,
            clock);
    this.dailyCap =
        TenantDailyCap.of(budget, clock, tenant -> policies.policyFor(tenant).dailyLimits());
    this.observability =
        OtelObservability.fromEnvironment(
                "aws", otelEnv, SpawnSpans.fromLog(substrate.events()), true)
            .<Observability>map(o -> o)
            .orElse(Observability.NONE);
  }

  /** The container's runtime, built on first use from the process environment. */
  public static AwsRuntime container() {
    return Holder.RUNTIME;
  }

  private static final class Holder {
    static final AwsRuntime RUNTIME = fromEnvironment(System.getenv());
  }

  /** Builds the runtime from {@code env}; a missing or malformed variable is named in the error. */
  public static AwsRuntime fromEnvironment(Map<String, String> env) {
    String prefix = required(env, "MAESTRO_TABLE_PREFIX", "the DynamoDB table name prefix");
    var builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
    String endpoint = env.get("MAESTRO_DYNAMODB_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) builder.endpointOverride(URI.create(endpoint));
    Duration ttl = duration(env, "MAESTRO_LEASE_TTL", DEFAULT_LEASE_TTL);
    String holder =
        "lambda:"
            + env.getOrDefault("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            + ":"
            + UUID.randomUUID();
    return new AwsRuntime(
        builder.build(),
        new DynamoTables(prefix),
        AwsSchedulers.fromEnvironment(env),
        Clock.systemUTC(),
        holder,
        ttl,
        env);
  }

  /** {@code name} from the process environment; an error naming it when unset. */
  public static String requiredEnv(String name, String what) {
    return required(System.getenv(), name, what);
  }

  static String required(Map<String, String> env, String name, String what) {
    String value = env.get(name);
    if (value == null || value.isBlank())
      throw new IllegalStateException(name + " must be set: " + what);
    return value;
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) return fallback;
    try {
      Duration d = Duration.parse(value);
      if (d.isNegative() || d.isZero()) throw new IllegalStateException(name + " must be positive");
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalStateException(
          name + " must be an ISO-8601 duration such as PT2M, not " + value, e);
    }
  }

  public DynamoDbClient client() {
    return client;
  }

  /** The deployment's table names. */
  public DynamoTables tables() {
    return tables;
  }

  /** The ports, with the configured scheduler. */
  public Substrate substrate() {
    return substrate;
  }

  /** The durable timer table: every pending timer, acknowledged when its tick is over. */
  public TimerQueue ledger() {
    return dynamo.timers();
  }

  public Clock clock() {
    return clock;
  }

  /** The budget ledger (DynamoDB, alerts logged once each through a {@link BudgetWatch}). */
  public BudgetLedger budget() {
    return budget;
  }

  /**
   * How writes are PII-redacted: each tenant policy document's {@code pii} section (the built-in
   * detectors when it has none).
   */
  public PiiRedaction redaction() {
    return PiiRedaction.fromPolicies(documents);
  }

  /**
   * The tenant policies: what the API decides with and where daily caps come from, with the
   * emergency freezes of {@code MAESTRO_FROZEN_TENANTS} in force.
   */
  public PolicyStore policies() {
    return policies;
  }

  /**
   * The tenant daily cap at API ingress over {@link #budget()}; before each check it pushes the
   * tenant policy's {@code daily} limits into the ledger when they changed.
   */
  public TenantDailyCap dailyCap() {
    return dailyCap;
  }

  /**
   * Where this runtime reports events and metrics: OpenTelemetry when configured, else {@link
   * Observability#NONE}. A continuation service made here should report its spawns to it.
   */
  public Observability observability() {
    return observability;
  }

  /**
   * A tick engine over this runtime with the built-in recipes, reporting to {@code extra} and to
   * {@link #observability()}.
   */
  public TickEngine tickEngine(Observability extra) {
    return new TickEngine(
        substrate,
        Recipes.builtIn(),
        clock,
        holder,
        leaseTtl,
        extra.andThen(observability),
        new SecureRandom(),
        redaction());
  }
}
