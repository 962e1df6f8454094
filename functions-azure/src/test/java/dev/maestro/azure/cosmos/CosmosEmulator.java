package dev.maestro.azure.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosClientBuilder;
import dev.maestro.core.testkit.NpmPackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The npm Cosmos DB emulator {@code @vercel/cosmosdb-server} 1.0.1, for tests: installed into
 * {@code target/cosmos-emulator} on first use (Node.js and npm are required), started as a child
 * process on a free port, reached over HTTPS in gateway mode with certificate validation off.
 *
 * <p>It serves point operations, {@code If-Match} (412 on a stale etag) and single-partition read
 * feeds, but no SQL queries, transactional batch or change feed. Two defects are worked around
 * here, in the fixture: resource ids holding a '/' (see {@link #freshContainers}), and a point read
 * of a missing document, which makes the emulator fail with 500 (its read handler dereferences the
 * missing document): so that the substrate handles only what Cosmos DB itself answers, a small
 * script preloaded into the emulator's Node process ({@code --require}) answers that read with
 * Cosmos DB's 404 {@code NotFound} instead. It changes nothing else.
 */
public final class CosmosEmulator implements AutoCloseable {

  static final String VERSION = "1.0.1";

  /** The emulator accepts any base64 key; this is the well-known public emulator key. */
  private static final String KEY =
      "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

  private static final AtomicInteger DATABASES = new AtomicInteger();

  /** Preloaded into the emulator: a missing document's point read answers 404, as Cosmos does. */
  private static final String MISSING_READ_404 =
      """
      "use strict";
      const path = require("path");
      const lib = path.join(process.env.COSMOS_EMULATOR_DIR,
          "node_modules/@vercel/cosmosdb-server/lib");
      const readDocument = require(path.join(lib, "handler/read-document.js"));
      const partition = require(path.join(lib, "utils/get-partition-from-header.js"));
      const original = readDocument.default;
      readDocument.default = (account, req, res, params) => {
        const collection = account.database(params.dbId).collection(params.collId);
        if (collection.read()) {
          const key = partition.parsePartitionKey(partition.default(req), params.docId);
          if (!collection.document(params.docId, key).read()) {
            res.statusCode = 404;
            return { code: "NotFound",
                     message: "Entity with the specified id does not exist in the system." };
          }
        }
        return original(account, req, res, params);
      };
      """;

  private final Process process;
  private final CosmosAsyncClient client;

  private CosmosEmulator(Process process, CosmosAsyncClient client) {
    this.process = process;
    this.client = client;
  }

  /** Installs (first time only) and starts the emulator; call once per test class. */
  public static CosmosEmulator start() {
    Path dir = Path.of("target", "cosmos-emulator").toAbsolutePath();
    Path cli = dir.resolve("node_modules/@vercel/cosmosdb-server/lib/cli.js");
    try {
      NpmPackages.ensure(
          dir,
          "@vercel/cosmosdb-server",
          VERSION,
          "node_modules/@vercel/cosmosdb-server/lib/cli.js");
      Path shim = dir.resolve("missing-read-404.js");
      Files.writeString(shim, MISSING_READ_404);
      int port;
      try (var socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      var builder =
          new ProcessBuilder(
                  "node",
                  "--require",
                  shim.toString(),
                  cli.toString(),
                  "--host",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port))
              .redirectErrorStream(true);
      builder.environment().put("COSMOS_EMULATOR_DIR", dir.toString());
      Process process = start(builder);
      awaitReady(process, Duration.ofSeconds(30));
      // The emulator's certificate is self-signed; the SDK reads this before building a client.
      System.setProperty("COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED", "true");
      CosmosAsyncClient client =
          new CosmosClientBuilder()
              .endpoint("https://127.0.0.1:" + port)
              .key(KEY)
              .gatewayMode()
              .endpointDiscoveryEnabled(false)
              .buildAsyncClient();
      return new CosmosEmulator(process, client);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public CosmosAsyncClient client() {
    return client;
  }

  /**
   * A database of its own with the substrate's containers, so no test sees another's data. The
   * emulator numbers resources with plain base64 ids, and one database in 64 gets an id holding a
   * '/' that breaks the SDK's routing (Cosmos DB's own ids never hold one): such a database is left
   * unused and the next one taken.
   */
  public CosmosContainers freshContainers(String name) {
    while (true) {
      var containers = new CosmosContainers(name + "-" + DATABASES.incrementAndGet(), "");
      CosmosSchema.createIfMissing(client, containers);
      if (routable(containers)) return containers;
    }
  }

  private boolean routable(CosmosContainers containers) {
    var database = client.getDatabase(containers.database());
    var ids = new java.util.ArrayList<String>();
    ids.add(database.read().block().getProperties().getResourceId());
    for (String name : containers.all()) {
      ids.add(database.getContainer(name).read().block().getProperties().getResourceId());
    }
    return ids.stream().noneMatch(id -> id.contains("/"));
  }

  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static Process start(ProcessBuilder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          builder.command().getFirst()
              + " could not be started; install Node.js (with npm) to run the Cosmos DB tests: "
              + e,
          e);
    }
  }

  /** Waits for the emulator's ready line, then keeps draining its output. */
  private static void awaitReady(Process process, Duration timeout) {
    var ready = new CountDownLatch(1);
    var output = new StringBuilder();
    Thread drain =
        new Thread(
            () -> {
              try (var reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  if (ready.getCount() > 0) {
                    synchronized (output) {
                      output.append(line).append('\n');
                    }
                  }
                  if (line.startsWith("Ready to accept")) ready.countDown();
                }
              } catch (IOException ignored) {
                // The process ended; its exit is reported by the wait below.
              }
            },
            "cosmos-emulator-output");
    drain.setDaemon(true);
    drain.start();
    try {
      if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        synchronized (output) {
          throw new IllegalStateException(
              "the Cosmos emulator did not start within " + timeout + ":\n" + output);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting the Cosmos emulator", e);
    }
  }
}
