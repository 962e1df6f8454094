package dev.maestro.eval.invoke;

import dev.maestro.azure.cdc.ContinuationCdc;
import dev.maestro.azure.local.LocalInvoke;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.local.cli.Invoker;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.store.SqliteCdcCursors;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code maestro invoke azure}: the Azure functions of functions-azure run locally ({@link
 * LocalInvoke}) over the embedded SQLite substrate of functions-local, persisted in the data
 * directory (database {@code maestro.db}, the local Durable client's inboxes in {@code
 * orchestrations/}; the subscriptions index, dead letters and CDC cursors of the stream and CDC
 * functions in the database too), so what one invocation writes is there for the next. Registered
 * from this module because it has the CLI, the SQLite store and the Azure adapter on its class
 * path. The Durable Task backend does not run here: {@code orchestration} is a local driver of the
 * {@code tick} activity, not the Durable runtime.
 */
public final class AzureInvoker implements Invoker {

  /** The database file's name in the data directory. */
  public static final String DATABASE = "maestro.db";

  @Override
  public String cloud() {
    return "azure";
  }

  @Override
  public String description() {
    return "Azure Functions of functions-azure, run in this process over the embedded SQLite store"
        + " (persisted in the data directory). No Durable Task backend runs: the Durable client"
        + " records starts and raised events in the data directory, and 'orchestration' drives a"
        + " continuation's tick activity locally (a local driver, not the Durable runtime)."
        + " The stream and CDC functions use the store's subscriptions, dead letters and CDC"
        + " cursors.";
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
            "Where the SQLite database and the orchestration inboxes are kept"
                + " (default: azure-local in $MAESTRO_HOME or in ~/.maestro)."),
        new Option(
            "no-wait",
            null,
            "orchestration: timers fire at once (the clock jumps ahead) instead of being"
                + " really waited for."),
        new Option(
            "max-ticks",
            "N",
            "orchestration: the most ticks one run drives (default: "
                + LocalInvoke.DEFAULT_MAX_TICKS
                + ")."),
        new Option(
            "principal-tenant",
            "TENANT",
            "api: call as a user of TENANT: sets the X-MS-CLIENT-PRINCIPAL header App Service"
                + " authentication would set (replacing the payload's)."),
        new Option(
            "principal-oid",
            "OID",
            "api: the caller's object id with --principal-tenant (default: local-user)."),
        new Option(
            "facts-out",
            "FILE",
            "cosmos-cdc: write the fact rows (newline-delimited JSON) to FILE instead of"
                + " stderr."));
  }

  @Override
  public int invoke(
      String function,
      Path payload,
      Map<String, String> options,
      PrintStream out,
      PrintStream err) {
    int maxTicks = LocalInvoke.DEFAULT_MAX_TICKS;
    String given = options.get("max-ticks");
    if (given != null) {
      try {
        maxTicks = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        maxTicks = 0;
      }
      if (maxTicks <= 0) {
        err.println("maestro invoke azure: --max-ticks " + given + ": not a positive number");
        return LocalInvoke.USAGE;
      }
    }
    if (options.containsKey("principal-oid") && !options.containsKey("principal-tenant")) {
      err.println("maestro invoke azure: --principal-oid needs --principal-tenant");
      return LocalInvoke.USAGE;
    }
    Path dataDir =
        options.containsKey("data-dir")
            ? Path.of(options.get("data-dir"))
            : LocalConfig.defaultDataDir().resolve("azure-local");
    var settings =
        new LocalInvoke.Settings(
            dataDir,
            options.containsKey("no-wait"),
            maxTicks,
            options.get("principal-tenant"),
            options.get("principal-oid"),
            System.getenv("MAESTRO_TENANT_CLAIM"),
            options.containsKey("facts-out") ? Path.of(options.get("facts-out")) : null);
    LocalInvoke.StoreOpener store =
        () -> {
          Path db = dataDir.resolve(DATABASE);
          SqliteSubstrate sqlite = SqliteSubstrate.open(db);
          SqliteCdcCursors cursors = sqlite.cdcCursors();
          return new LocalInvoke.LocalStore(
              sqlite.substrate(),
              sqlite.timers(),
              sqlite.subscriptions(),
              sqlite.deadLetters(),
              new ContinuationCdc.Cursors() {
                @Override
                public long processed(ContinuationRef ref) {
                  return cursors.processed(ref);
                }

                @Override
                public void advance(ContinuationRef ref, long sequence) {
                  cursors.advance(ref, sequence);
                }
              },
              "embedded SQLite store " + db,
              sqlite);
        };
    return new LocalInvoke(settings, store, out, err).invoke(function, payload);
  }
}
