package dev.maestro.local.cli;

import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.freeze.FreezeOverrides;
import dev.maestro.core.security.jwt.JwtIdentity;
import dev.maestro.core.security.jwt.JwtSettings;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.Recipes;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import dev.maestro.local.server.HttpApiServer;
import dev.maestro.local.server.LocalJwtIssuer;
import dev.maestro.local.server.StreamRoute;
import dev.maestro.otel.OtelObservability;
import dev.maestro.otel.SpawnSpans;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runtime, the dev token issuer, the context field and the HTTP API, started and stopped
 * together. The field recalls from the event log always, and from every channel a {@link
 * dev.maestro.core.field.FieldSource} on the class path opens under the data directory (with {@code
 * field-lucene} there and {@code maestro ingest} run before, the semantic index). With an OTLP
 * endpoint configured ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, see {@link
 * dev.maestro.otel.OtlpSettings}), every appended event is also reported as spans and metrics by an
 * {@link OtelObservability}, after the given observability.
 *
 * <p>Security (BRIEF §12): every write is PII-redacted with the tenant policy's redactor; a tenant
 * is frozen by its policy's {@code freeze} section or by a file {@code
 * <data-dir>/freeze/<tenant>.json} (see {@link FreezeOverrides#fromDirectory}); bearer tokens are
 * the dev issuer's ({@link LocalJwtIssuer}) unless external {@link JwtSettings} are given, in which
 * case they are verified against that issuer's JWK set ({@link JwtIdentity}) and the dev issuer's
 * tokens are refused.
 */
final class LocalStack implements AutoCloseable {

  static final String ISSUER = "maestro-local";
  static final String AUDIENCE = "maestro-api";

  final LocalRuntime runtime;
  final LocalJwtIssuer issuer;
  final HttpApiServer server;
  final FieldServices fields;
  final Optional<OtelObservability> otel;

  private LocalStack(
      LocalRuntime runtime,
      LocalJwtIssuer issuer,
      HttpApiServer server,
      FieldServices fields,
      Optional<OtelObservability> otel) {
    this.runtime = runtime;
    this.issuer = issuer;
    this.server = server;
    this.fields = fields;
    this.otel = otel;
  }

  static LocalStack start(LocalConfig config, String host, int port) {
    return start(config, host, port, Observability.NONE);
  }

  static LocalStack start(LocalConfig config, String host, int port, Observability observability) {
    return start(config, host, port, observability, null);
  }

  /** The directory under the data directory holding emergency freeze files. */
  static final String FREEZE = "freeze";

  /** Where tenant policy documents are read from when no directory is named. */
  static final String POLICIES = "policies";

  /**
   * Starts the stack with the tenant policy documents in {@code policiesDir} (null: {@code
   * <data-dir>/policies} when it exists, else every tenant on the built-in default).
   *
   * @throws IllegalArgumentException listing every problem of the policy documents; nothing starts
   */
  static LocalStack start(
      LocalConfig config, String host, int port, Observability observability, Path policiesDir) {
    return start(config, host, port, observability, policiesDir, Map.of());
  }

  /**
   * As above, exporting spans and metrics over OTLP when {@code otelEnv} names an endpoint (the
   * standard {@code OTEL_*} variables); otherwise exactly as above.
   *
   * @throws IllegalStateException naming a malformed {@code OTEL_*} variable; nothing starts
   */
  static LocalStack start(
      LocalConfig config,
      String host,
      int port,
      Observability observability,
      Path policiesDir,
      Map<String, String> otelEnv) {
    return start(config, host, port, observability, policiesDir, otelEnv, null);
  }

  /**
   * As above, verifying bearer tokens against {@code externalJwt}'s issuer instead of the dev
   * issuer when it is not null.
   */
  static LocalStack start(
      LocalConfig config,
      String host,
      int port,
      Observability observability,
      Path policiesDir,
      Map<String, String> otelEnv,
      JwtSettings externalJwt) {
    // Tick spans find their spawn span in the log once the runtime (and its log) exists.
    var log = new AtomicReference<EventLog>();
    SpawnSpans fromLog =
        (tenant, id) ->
            log.get() == null ? Optional.empty() : SpawnSpans.fromLog(log.get()).spanId(tenant, id);
    Optional<OtelObservability> otel =
        OtelObservability.fromEnvironment("local", otelEnv, fromLog, false);
    try {
      LocalStack stack =
          start(
              config,
              host,
              port,
              otel.map(observability::andThen).orElse(observability),
              policiesDir,
              otel,
              log,
              externalJwt);
      return stack;
    } catch (RuntimeException e) {
      otel.ifPresent(OtelObservability::close);
      throw e;
    }
  }

  private static LocalStack start(
      LocalConfig config,
      String host,
      int port,
      Observability observability,
      Path policiesDir,
      Optional<OtelObservability> otel,
      AtomicReference<EventLog> log,
      JwtSettings externalJwt) {
    Path dir = policiesDir != null ? policiesDir : config.dataDir().resolve(POLICIES);
    InMemoryPolicyStore documents =
        policiesDir != null || Files.isDirectory(dir)
            ? InMemoryPolicyStore.fromDirectory(dir)
            : new InMemoryPolicyStore();
    PolicyStore policies =
        FreezeOverrides.fromDirectory(config.dataDir().resolve(FREEZE)).applyTo(documents);
    LocalRuntime runtime =
        LocalRuntime.start(
            config, observability, Recipes.builtIn(), PiiRedaction.fromPolicies(documents));
    log.set(runtime.substrate().events());
    FieldServices fields = null;
    try {
      fields =
          FieldServices.discovered(
              runtime.service(),
              config.clock(),
              config.dataDir(),
              System.getenv(),
              t -> policies.policyFor(t).document().fieldPolicy(),
              observability);
      LocalJwtIssuer issuer = LocalJwtIssuer.loadOrCreate(config.dataDir(), ISSUER, AUDIENCE);
      Identity identity =
          externalJwt != null ? JwtIdentity.remote(externalJwt, config.clock()) : issuer.identity();
      var router =
          new ApiRouter(
              runtime.service(),
              identity,
              Recipes.builtIn(),
              policies,
              config.clock(),
              TenantDailyCap.of(
                  runtime.budgets(), config.clock(), t -> policies.policyFor(t).dailyLimits()),
              LocalLearnedPolicy.shadowKernel(config.dataDir()),
              fields);
      HttpApiServer server =
          HttpApiServer.start(
              new InetSocketAddress(host, port),
              router,
              issuer,
              new StreamRoute(identity, runtime.streams(), runtime.deadLetters(), config.clock()));
      return new LocalStack(runtime, issuer, server, fields, otel);
    } catch (RuntimeException e) {
      if (fields != null) fields.close();
      runtime.close();
      throw e;
    }
  }

  String baseUrl() {
    return "http://" + server.address().getHostString() + ":" + server.port();
  }

  /**
   * Stops the server, then the field's channels, then the runtime, then flushes and stops the OTLP
   * export. Idempotent (the shutdown hook and the caller both close).
   */
  @Override
  public synchronized void close() {
    server.close();
    fields.close();
    runtime.close();
    otel.ifPresent(OtelObservability::close);
  }
}
