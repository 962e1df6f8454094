package dev.maestro.azure.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.EventLog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The payload of a local {@code cosmos-cdc} invocation: a JSON array (or one object) of items, each
 * either
 *
 * <ul>
 *   <li>{@code {"tenant", "continuation_id"}}: a continuation of the local store, as if its
 *       document had just changed; its head ({@code logHeadSequence}) is the last event committed
 *       in the store, so CDC catches up on everything after its cursor; or
 *   <li>a document of the {@code continuations} container as the Cosmos DB trigger hands it ({@code
 *       {"id", "pk", "tenant", "continuationId", "logHeadSequence", ...}}), used as is: a head
 *       beyond the local log fails the invocation, a document without {@code logHeadSequence} is
 *       ignored and one whose tenant or id cannot be read is dead-lettered, as in Azure.
 * </ul>
 */
final class CdcPayload {

  private static final int PAGE = 500;

  private CdcPayload() {}

  /** The items; an {@link IllegalArgumentException} says why the payload is not a list of them. */
  static List<JsonNode> read(JsonNode payload) {
    var items = new ArrayList<JsonNode>();
    if (payload.isArray()) payload.forEach(items::add);
    else if (payload.isObject()) items.add(payload);
    else throw new IllegalArgumentException("the payload must be a JSON array of items");
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        throw new IllegalArgumentException("item " + i + " is not a JSON object");
      }
      if (item.has("continuation_id")) {
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!name.equals("tenant") && !name.equals("continuation_id")) {
            throw new IllegalArgumentException(
                "item "
                    + i
                    + ": unknown field '"
                    + name
                    + "' beside continuation_id (give {\"tenant\", \"continuation_id\"} or a"
                    + " continuation document)");
          }
        }
        String tenant = item.path("tenant").asText("");
        String id = item.path("continuation_id").asText("");
        if (!TenantId.isValid(tenant)) {
          throw new IllegalArgumentException("item " + i + ": tenant '" + tenant + "' is invalid");
        }
        if (!ContinuationId.isValid(id)) {
          throw new IllegalArgumentException(
              "item " + i + ": continuation_id '" + id + "' is invalid");
        }
      }
    }
    return items;
  }

  /**
   * The continuation document an item stands for: a document as is, a {@code {"tenant",
   * "continuation_id"}} item as the document of that continuation at the head of {@code log}.
   *
   * @throws IllegalArgumentException when the continuation has no event in the store
   */
  static JsonNode document(JsonNode item, EventLog log) {
    if (!item.has("continuation_id")) return item;
    TenantId tenant = TenantId.of(item.get("tenant").asText());
    ContinuationId id = ContinuationId.of(item.get("continuation_id").asText());
    long head = 0;
    while (true) {
      List<EventEnvelope> page = log.read(tenant, id, head, PAGE);
      if (page.isEmpty()) break;
      head = page.getLast().sequence();
    }
    if (head == 0) {
      throw new IllegalArgumentException(
          "no continuation " + id.value() + " of tenant " + tenant.value() + " in the store");
    }
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("id", id.value());
    doc.put("pk", tenant.value() + "#" + id.value());
    doc.put("tenant", tenant.value());
    doc.put("continuationId", id.value());
    doc.put("logHeadSequence", head);
    return doc;
  }
}
