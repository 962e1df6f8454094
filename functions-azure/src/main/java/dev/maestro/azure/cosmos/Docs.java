package dev.maestro.azure.cosmos;

import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.models.CosmosItemRequestOptions;
import com.azure.cosmos.models.CosmosItemResponse;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Document helpers shared by the Cosmos DB ports: keys, status codes and blocking calls. */
final class Docs {

  static final String ID = "id";
  static final String PK = "pk";
  static final String ETAG = "_etag";
  static final String TENANT = "tenant";
  static final String CONTINUATION_ID = "continuationId";

  static final int NOT_FOUND = 404;
  static final int CONFLICT = 409;
  static final int PRECONDITION_FAILED = 412;

  private Docs() {}

  /** The partition key value of a continuation's documents (a synthetic key, see package doc). */
  static String continuationKey(TenantId tenant, ContinuationId id) {
    return tenant.value() + "#" + id.value();
  }

  /** A document id for arbitrary text: Cosmos ids may not hold '/', '\\', '?' or '#'. */
  static String hashedId(String... parts) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static String text(JsonNode doc, String field) {
    JsonNode value = doc.get(field);
    if (value == null || value.isNull()) {
      throw new CosmosStoreException("document " + doc.path(ID).asText() + " lacks " + field);
    }
    return value.asText();
  }

  static long number(JsonNode doc, String field) {
    JsonNode value = doc.get(field);
    if (value == null || !value.canConvertToLong()) {
      throw new CosmosStoreException(
          "document " + doc.path(ID).asText() + " lacks the number " + field);
    }
    return value.asLong();
  }

  /** Runs one blocking SDK call, turning unexpected Cosmos failures into store exceptions. */
  static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (CosmosException e) {
      throw new CosmosStoreException(what + " failed with status " + e.getStatusCode(), e);
    }
  }

  /** A point read; empty on 404. */
  static Optional<ObjectNode> read(CosmosAsyncContainer container, String pk, String id) {
    try {
      CosmosItemResponse<ObjectNode> response =
          container.readItem(id, new PartitionKey(pk), ObjectNode.class).block();
      return Optional.of(response.getItem());
    } catch (CosmosException e) {
      if (e.getStatusCode() == NOT_FOUND) return Optional.empty();
      throw e;
    }
  }

  /** Creates {@code doc}; false if a document with its id exists (409). */
  static boolean create(CosmosAsyncContainer container, String pk, ObjectNode doc) {
    try {
      container.createItem(doc, new PartitionKey(pk), new CosmosItemRequestOptions()).block();
      return true;
    } catch (CosmosException e) {
      if (e.getStatusCode() == CONFLICT) return false;
      throw e;
    }
  }

  /** Replaces {@code doc} if its stored etag is still {@code etag}; false on 412 or 404. */
  static boolean replaceIfMatch(
      CosmosAsyncContainer container, String pk, ObjectNode doc, String etag) {
    ObjectNode body = doc.deepCopy();
    stripSystemFields(body);
    try {
      container
          .replaceItem(
              body,
              text(doc, ID),
              new PartitionKey(pk),
              new CosmosItemRequestOptions().setIfMatchETag(etag))
          .block();
      return true;
    } catch (CosmosException e) {
      if (e.getStatusCode() == PRECONDITION_FAILED || e.getStatusCode() == NOT_FOUND) return false;
      throw e;
    }
  }

  /** Deletes a document, if its etag is still {@code etag} when one is given; false otherwise. */
  static boolean delete(CosmosAsyncContainer container, String pk, String id, String etag) {
    var options = new CosmosItemRequestOptions();
    if (etag != null) options.setIfMatchETag(etag);
    try {
      container.deleteItem(id, new PartitionKey(pk), options).block();
      return true;
    } catch (CosmosException e) {
      if (e.getStatusCode() == PRECONDITION_FAILED || e.getStatusCode() == NOT_FOUND) return false;
      throw e;
    }
  }

  /** Every document of one logical partition (a single-partition read feed, no query). */
  static List<ObjectNode> readPartition(CosmosAsyncContainer container, String pk) {
    List<ObjectNode> all =
        container.readAllItems(new PartitionKey(pk), ObjectNode.class).collectList().block();
    return all == null ? List.of() : new ArrayList<>(all);
  }

  static void stripSystemFields(ObjectNode doc) {
    doc.remove(List.of("_rid", "_self", ETAG, "_attachments", "_ts", "_lsn"));
  }
}
