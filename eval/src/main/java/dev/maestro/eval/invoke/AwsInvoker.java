package dev.maestro.eval.invoke;

import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.local.LocalInvoke;
import dev.maestro.aws.local.LocalStore;
import dev.maestro.local.cli.Invoker;
import dev.maestro.local.runtime.LocalConfig;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code maestro invoke aws}: the AWS Lambda handlers run locally ({@link LocalInvoke}) over
 * DynamoDB Local. Registered from this module because it has both the CLI and the AWS adapter on
 * its class path, and DynamoDB Local as a runtime dependency: by default DynamoDB Local runs in
 * this process on a database file in the data directory ({@link EmbeddedDynamoDb}), so what one
 * invocation writes is there for the next.
 */
public final class AwsInvoker implements Invoker {

  /** The default table name prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "local-";

  @Override
  public String cloud() {
    return "aws";
  }

  @Override
  public String description() {
    return "AWS Lambda handlers of functions-aws, run in this process over DynamoDB Local"
        + " (persisted in the data directory), like sam local invoke.";
  }

  @Override
  public Map<String, String> functions() {
    return LocalInvoke.functions();
  }

  @Override
  public List<Option> options() {
    return List.of(
        new Option(
            "data-dir",
            "DIR",
            "Where the in-process DynamoDB Local keeps its database"
                + " (default: aws-local in $MAESTRO_HOME or in ~/.maestro)."),
        new Option(
            "dynamodb-endpoint",
            "URL",
            "Use the DynamoDB Local server at URL instead of one in this process."),
        new Option(
            "table-prefix",
            "PREFIX",
            "DynamoDB table name prefix (default: " + DEFAULT_TABLE_PREFIX + ")."),
        new Option(
            "no-wait",
            null,
            "tick: Wait states and retries pass at once (the clock jumps ahead) instead of"
                + " really waiting."),
        new Option(
            "facts-out",
            "FILE",
            "cdc: write the fact rows (newline-delimited JSON) to FILE instead of stderr."));
  }

  @Override
  public int invoke(
      String function, Path event, Map<String, String> options, PrintStream out, PrintStream err) {
    String endpoint = options.get("dynamodb-endpoint");
    URI uri = null;
    if (endpoint != null) {
      try {
        uri = URI.create(endpoint);
        if (uri.getScheme() == null || uri.getHost() == null)
          throw new IllegalArgumentException("not an absolute URL");
      } catch (IllegalArgumentException e) {
        err.println("maestro invoke aws: --dynamodb-endpoint " + endpoint + ": " + e.getMessage());
        return LocalInvoke.USAGE;
      }
    }
    String factsOut = options.get("facts-out");
    var settings =
        new LocalInvoke.Settings(
            options.getOrDefault("table-prefix", DEFAULT_TABLE_PREFIX),
            options.containsKey("no-wait"),
            factsOut == null ? null : Path.of(factsOut),
            AwsRuntime.DEFAULT_LEASE_TTL);
    Path dataDir =
        options.containsKey("data-dir")
            ? Path.of(options.get("data-dir"))
            : LocalConfig.defaultDataDir().resolve("aws-local");
    URI external = uri;
    LocalInvoke.StoreOpener store =
        external != null
            ? () -> LocalStore.endpoint(external)
            : () -> EmbeddedDynamoDb.open(dataDir);
    return new LocalInvoke(settings, store, out, err).invoke(function, event);
  }
}
