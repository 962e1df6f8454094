package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.storage.queue.QueueClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.azure.cosmos.CosmosContainers;
import dev.maestro.azure.cosmos.CosmosEmulator;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared set-up of the stream and CDC tests: containers, queues and payload files. */
public final class StreamTestBed {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private StreamTestBed() {}

  /**
   * Fresh substrate containers plus the subscriptions container, all routable on the emulator (see
   * {@link CosmosEmulator#freshContainers}: a resource id holding '/' is skipped).
   */
  public static CosmosContainers freshContainers(CosmosEmulator cosmos, String name) {
    CosmosAsyncClient client = cosmos.client();
    while (true) {
      CosmosContainers containers = cosmos.freshContainers(name);
      StreamContainers.createIfMissing(client, containers);
      String rid =
          StreamContainers.subscriptions(client, containers)
              .read()
              .block()
              .getProperties()
              .getResourceId();
      if (!rid.contains("/")) return containers;
    }
  }

  /** A new, empty queue on Azurite. */
  public static QueueClient freshQueue(Azurite azurite, String name) {
    QueueClient queue =
        azurite
            .queues()
            .getQueueClient(
                name + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000);
    queue.createIfNotExists();
    return queue;
  }

  /** The messages in {@code queue} (peeked, so they stay), as JSON. */
  public static List<JsonNode> peek(QueueClient queue) {
    var messages = new ArrayList<JsonNode>();
    queue
        .peekMessages(32, null, null)
        .forEach(m -> messages.add(Json.tree(m.getBody().toString())));
    return messages;
  }

  /** A payload file from {@code src/test/resources/payloads}. */
  public static String payload(String name) {
    try (InputStream in = StreamTestBed.class.getResourceAsStream("/payloads/" + name)) {
      if (in == null) throw new IllegalArgumentException("no payload " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
