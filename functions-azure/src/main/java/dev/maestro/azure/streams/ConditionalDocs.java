package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few Cosmos DB document operations the stream index and the CDC cursors need, each a single
 * point operation or a single-partition read feed (no SQL query, which the emulator does not
 * serve). A document written "if newer" carries a {@value #SEQUENCE}: the write is decided on a
 * read and made with {@code If-Match} on its etag (or create-if-absent), and decided again on a 412
 * or 409, so a replayed or reordered event never moves a document back. Other Cosmos failures are
 * thrown.
 */
public final class ConditionalDocs {

  /** The sequence of the event a document was written for. */
  public static final String SEQUENCE = "sequence";

  static final String ID = "id";
  static final String PK = "pk";

  private static final int NOT_FOUND = 404;
  private static final int CONFLICT = 409;
  private static final int PRECONDITION_FAILED = 412;

  private ConditionalDocs() {}

  /** A point read; empty when the document does not exist. */
  public static Optional<ObjectNode> read(CosmosAsyncContainer container, String pk, String id) {
    try {
      return Optional.of(container.readItem(id, new PartitionKey(pk), ObjectNode.class).block())
          .map(r -> r.getItem());
    } catch (CosmosException e) {
      if (e.getStatusCode() == NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  /** The stored {@value #SEQUENCE} of a document, or -1 if it has none. */
  public static long sequence(JsonNode doc) {
    JsonNode value = doc.get(SEQUENCE);
    return value != null && value.canConvertToLong() ? value.asLong() : -1;
  }

  /**
   * Writes {@code doc} (which carries its {@code id}, {@code pk} and {@value #SEQUENCE}) unless the
   * stored document was written for the same or a later sequence.
   *
   * @return true if written, false if a newer or equal one was already there
   */
  public static boolean putIfNewer(CosmosAsyncContainer container, ObjectNode doc) {
    String pk = doc.get(PK).asText();
    String id = doc.get(ID).asText();
    long sequence = sequence(doc);
    while (true) {
      Optional<ObjectNode> stored = read(container, pk, id);
      if (stored.isPresent() && sequence(stored.get()) >= sequence) return false;
      try {
        if (stored.isPresent()) {
          container
              .replaceItem(
                  doc,
                  id,
                  new PartitionKey(pk),
                  new CosmosItemRequestOptions().setIfMatchETag(stored.get().get("_etag").asText()))
              .block();
        } else {
          container.createItem(doc, new PartitionKey(pk), new CosmosItemRequestOptions()).block();
        }
        return true;
      } catch (CosmosException e) {
        int status = e.getStatusCode();
        if (status != PRECONDITION_FAILED && status != CONFLICT && status != NOT_FOUND) throw e;
        // Another writer got there first: decide again on a fresh read.
      }
    }
  }

  /** Deletes the document if it was written for an event older than {@code sequence}. */
  public static void deleteIfOlder(
      CosmosAsyncContainer container, String pk, String id, long sequence) {
    while (true) {
      Optional<ObjectNode> stored = read(container, pk, id);
      if (stored.isEmpty() || sequence(stored.get()) >= sequence) return;
      try {
        container
            .deleteItem(
                id,
                new PartitionKey(pk),
                new CosmosItemRequestOptions().setIfMatchETag(stored.get().get("_etag").asText()))
            .block();
        return;
      } catch (CosmosException e) {
        if (e.getStatusCode() == NOT_FOUND) return;
        if (e.getStatusCode() != PRECONDITION_FAILED) throw e;
      }
    }
  }

  /** Every document of one logical partition (a single-partition read feed). */
  public static List<ObjectNode> readPartition(CosmosAsyncContainer container, String pk) {
    List<ObjectNode> all =
        container.readAllItems(new PartitionKey(pk), ObjectNode.class).collectList().block();
    return all == null ? List.of() : new ArrayList<>(all);
  }
}
