package dev.maestro.azure.streams;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import dev.maestro.core.testkit.NpmPackages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm Azure Storage emulator {@code azurite} 3.37.0, for tests: installed into {@code
 * target/azurite} on first use (Node.js and npm are required), its queue and blob services started
 * as child processes on free ports with a throwaway data directory, reached with the emulator's
 * well-known development account ({@code devstoreaccount1}).
 */
public final class Azurite implements AutoCloseable {

  static final String VERSION = "3.37.0";

  /** The published key of Azurite's development account; not a secret. */
  private static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final List<Process> processes;
  private final String connectionString;

  private Azurite(List<Process> processes, String connectionString) {
    this.processes = processes;
    this.connectionString = connectionString;
  }

  /** Installs (first time only) and starts the queue and blob services; once per test class. */
  public static Azurite start() {
    Path dir = Path.of("target", "azurite").toAbsolutePath();
    Path bin = dir.resolve("node_modules/.bin");
    var processes = new ArrayList<Process>();
    try {
      NpmPackages.ensure(dir, "azurite", VERSION, "node_modules/.bin/azurite-queue");
      Path data = Files.createTempDirectory(dir, "data-");
      int queuePort = freePort();
      int blobPort = freePort();
      processes.add(
          launch(bin.resolve("azurite-queue"), "--queueHost", "--queuePort", queuePort, data));
      processes.add(
          launch(bin.resolve("azurite-blob"), "--blobHost", "--blobPort", blobPort, data));
      awaitPort(queuePort, processes.get(0));
      awaitPort(blobPort, processes.get(1));
      String connection =
          "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
              + ACCOUNT_KEY
              + ";QueueEndpoint=http://127.0.0.1:"
              + queuePort
              + "/devstoreaccount1;BlobEndpoint=http://127.0.0.1:"
              + blobPort
              + "/devstoreaccount1;";
      return new Azurite(processes, connection);
    } catch (IOException | RuntimeException e) {
      processes.forEach(Process::destroyForcibly);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The connection string of the development account on these services. */
  public String connectionString() {
    return connectionString;
  }

  public QueueServiceClient queues() {
    return new QueueServiceClientBuilder().connectionString(connectionString).buildClient();
  }

  public BlobServiceClient blobs() {
    return new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static Process launch(Path bin, String hostFlag, String portFlag, int port, Path data)
      throws IOException {
    var builder =
        new ProcessBuilder(
                bin.toString(),
                hostFlag,
                "127.0.0.1",
                portFlag,
                Integer.toString(port),
                "--location",
                data.toString(),
                "--silent",
                "--skipApiVersionCheck")
            .redirectErrorStream(true)
            .redirectOutput(data.resolve(bin.getFileName() + ".log").toFile());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          bin + " could not be started; install Node.js (with npm) to run the Storage tests", e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits, bounded, until the service accepts connections. */
  private static void awaitPort(int port, Process process) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("azurite exited with " + process.exitValue());
      }
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting azurite", e);
        }
      }
    }
    throw new IllegalStateException("azurite did not listen on " + port + " within 30 s");
  }
}
