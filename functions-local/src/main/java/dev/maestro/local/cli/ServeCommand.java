package dev.maestro.local.cli;

import dev.maestro.core.security.jwt.JwtSettings;
import dev.maestro.core.substrate.Observability;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.otel.OtlpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maestro serve}: the HTTP API and the runtime, until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serves the HTTP API on this machine and runs continuations until stopped (Ctrl-C).")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  /** Prints each appended event, one line with its tenant and continuation. */
  private static final Observability EVENT_LINES =
      Observability.onAppended(
          e -> System.out.println(e.tenant() + "/" + e.continuationId() + EventFormat.line(e)));

  @Mixin DataDirOption data;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--lease-ttl",
      defaultValue = "PT30S",
      description =
          "Tick lease duration, ISO-8601; an interrupted tick resumes after it (default: ${DEFAULT-VALUE}).")
  Duration leaseTtl;

  @Option(
      names = "--workers",
      defaultValue = "32",
      description = "Ticks run at once (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--quiet", description = "Do not print a line for each appended event.")
  boolean quiet;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      description =
          "Tenant policy documents, one JSON file each, validated on start (default:"
              + " <data-dir>/policies when it exists; tenants without one get the built-in"
              + " default).")
  Path policies;

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Export spans and metrics over OTLP/HTTP to this collector, e.g. http://localhost:4318"
              + " (default: OTEL_EXPORTER_OTLP_ENDPOINT; unset: no export).")
  String otlpEndpoint;

  @Option(
      names = "--jwt-issuer",
      paramLabel = "ISS",
      description =
          "Verify bearer tokens from this external issuer instead of the dev issuer (default:"
              + " MAESTRO_JWT_ISSUER; needs --jwt-jwks-url and --jwt-audience).")
  String jwtIssuer;

  @Option(
      names = "--jwt-jwks-url",
      paramLabel = "URL",
      description =
          "The external issuer's JWK set (https, or http on loopback) (default: MAESTRO_JWT_JWKS_URL).")
  String jwtJwksUrl;

  @Option(
      names = "--jwt-audience",
      paramLabel = "AUD",
      description = "The audience external tokens must carry (default: MAESTRO_JWT_AUDIENCE).")
  String jwtAudience;

  /**
   * The external token settings: the options over the {@code MAESTRO_JWT_*} variables of {@code
   * env}; null when none are set (the dev issuer's tokens are accepted).
   *
   * @throws IllegalArgumentException naming what is missing when only some are set
   */
  JwtSettings externalJwt(Map<String, String> env) {
    var merged = new HashMap<String, String>();
    for (String name :
        new String[] {
          JwtSettings.ISSUER, JwtSettings.JWKS_URL, JwtSettings.AUDIENCE, JwtSettings.TENANT_CLAIM
        }) {
      if (env.get(name) != null) merged.put(name, env.get(name));
    }
    if (jwtIssuer != null) merged.put(JwtSettings.ISSUER, jwtIssuer);
    if (jwtJwksUrl != null) merged.put(JwtSettings.JWKS_URL, jwtJwksUrl);
    if (jwtAudience != null) merged.put(JwtSettings.AUDIENCE, jwtAudience);
    return JwtSettings.fromEnvironment(merged);
  }

  @Override
  public Integer call() throws InterruptedException {
    var config = LocalConfig.defaults(data.resolve()).withLeaseTtl(leaseTtl).withWorkers(workers);
    var stop = new CountDownLatch(1);
    LocalStack started;
    try {
      JwtSettings external = externalJwt(System.getenv());
      started =
          LocalStack.start(
              config,
              host,
              port,
              quiet ? Observability.NONE : EVENT_LINES,
              policies,
              OtlpSettings.withEndpoint(System.getenv(), otlpEndpoint),
              external);
      if (external != null) {
        System.out.println("Bearer tokens: verified against " + external.issuer());
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    try (LocalStack stack = started) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.countDown();
                    stack.close();
                  },
                  "maestro-shutdown"));
      System.out.println(
          "Maestro API listening on " + stack.baseUrl() + " (data: " + config.dataDir() + ")");
      System.out.println("OpenAPI: " + stack.baseUrl() + "/openapi.json");
      if (stack.otel.isPresent()) {
        System.out.println(
            "Tracing: OTLP to "
                + OtlpSettings.fromEnvironment(
                        "local", OtlpSettings.withEndpoint(System.getenv(), otlpEndpoint))
                    .map(s -> s.tracesEndpoint().toString())
                    .orElse("?"));
      }
      System.out.println("A dev token: maestro token --tenant <tenant>" + dataHint());
      System.out.flush();
      stop.await();
    }
    return 0;
  }

  private String dataHint() {
    return data.dataDir == null ? "" : " --data-dir " + data.dataDir;
  }
}
