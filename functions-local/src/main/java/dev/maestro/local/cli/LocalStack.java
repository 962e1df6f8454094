package dev.maestro.local.cli;

import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.Recipes;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import dev.maestro.local.server.HttpApiServer;
import dev.maestro.local.server.LocalJwtIssuer;
import dev.maestro.local.server.StreamRoute;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime, the dev token issuer, the context field and the HTTP API, started and stopped
 * together. The field recalls from the event log always, and from every channel a {@link
 * dev.maestro.core.field.FieldSource} on the class path opens under the data directory (with {@code
 * field-lucene} there and {@code maestro ingest} run before, the semantic index).
 */
final class LocalStack implements AutoCloseable {

  static final String ISSUER = "maestro-local";
  static final String AUDIENCE = "maestro-api";

  final LocalRuntime runtime;
  final LocalJwtIssuer issuer;
  final HttpApiServer server;
  final FieldServices fields;

  private LocalStack(
      LocalRuntime runtime, LocalJwtIssuer issuer, HttpApiServer server, FieldServices fields) {
    this.runtime = runtime;
    this.issuer = issuer;
    this.server = server;
    this.fields = fields;
  }

  static LocalStack start(LocalConfig config, String host, int port) {
    return start(config, host, port, Observability.NONE);
  }

  static LocalStack start(LocalConfig config, String host, int port, Observability observability) {
    return start(config, host, port, observability, null);
  }

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
    Path dir = policiesDir != null ? policiesDir : config.dataDir().resolve(POLICIES);
    InMemoryPolicyStore policies =
        policiesDir != null || Files.isDirectory(dir)
            ? InMemoryPolicyStore.fromDirectory(dir)
            : new InMemoryPolicyStore();
    LocalRuntime runtime = LocalRuntime.start(config, observability, Recipes.builtIn());
    FieldServices fields = null;
    try {
      fields =
          FieldServices.discovered(
              runtime.service(), config.clock(), config.dataDir(), System.getenv());
      LocalJwtIssuer issuer = LocalJwtIssuer.loadOrCreate(config.dataDir(), ISSUER, AUDIENCE);
      var router =
          new ApiRouter(
              runtime.service(),
              issuer.identity(),
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
              new StreamRoute(
                  issuer.identity(), runtime.streams(), runtime.deadLetters(), config.clock()));
      return new LocalStack(runtime, issuer, server, fields);
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
   * Stops the server, then the field's channels, then the runtime. Idempotent (the shutdown hook
   * and the caller both close).
   */
  @Override
  public synchronized void close() {
    server.close();
    fields.close();
    runtime.close();
  }
}
