package dev.maestro.azure.streams;

import com.azure.cosmos.CosmosAsyncContainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The subscriptions index in a Cosmos DB container ({@link StreamContainers#subscriptions}),
 * partitioned on {@code /pk}, laid out like the DynamoDB index (ADR-0009). One document per
 * (tenant, topic, continuation): pk {@code tenant#topic}, id the continuation id, {@code sequence}
 * the event that subscribed it; the topic's subscribers are one single-partition read feed (no
 * query). Beside them, one registry document per continuation that ever subscribed (pk {@code
 * tenant#continuationId}, id {@value #REGISTRY_ID}: its current {@code topics} and the last applied
 * {@code sequence}); it tells an unsubscribe what to delete and, never deleted, stops a replayed
 * old event from resurrecting a subscription. {@value #REGISTRY_ID} is not a continuation id, so
 * the two kinds never collide even when a topic spells a continuation id. Every write is
 * conditional on the sequence being newer ({@link ConditionalDocs}); the registry is written last,
 * so a failure part way is finished by the retry.
 */
public final class CosmosSubscriptions implements Subscriptions {

  /** The id of a continuation's registry document. */
  public static final String REGISTRY_ID = "topics";

  static final String TOPICS = "topics";

  private final CosmosAsyncContainer container;

  public CosmosSubscriptions(CosmosAsyncContainer container) {
    this.container = Objects.requireNonNull(container, "container");
  }

  @Override
  public List<ContinuationId> subscribers(TenantId tenant, String topic) {
    var ids = new TreeSet<String>();
    for (ObjectNode doc : ConditionalDocs.readPartition(container, topicKey(tenant, topic))) {
      String id = doc.path(ConditionalDocs.ID).asText();
      if (ContinuationId.isValid(id)) ids.add(id);
    }
    return ids.stream().map(ContinuationId::of).toList();
  }

  @Override
  public void subscribe(ContinuationRef ref, Set<String> topics, long sequence) {
    Registry registry = registry(ref);
    if (registry.sequence() >= sequence) return;
    for (String topic : new TreeSet<>(topics)) {
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put(ConditionalDocs.ID, ref.id().value());
      doc.put(ConditionalDocs.PK, topicKey(ref.tenant(), topic));
      doc.put("tenant", ref.tenant().value());
      doc.put("topic", topic);
      doc.put(ConditionalDocs.SEQUENCE, sequence);
      ConditionalDocs.putIfNewer(container, doc);
    }
    var stale = new TreeSet<>(registry.topics());
    stale.removeAll(topics);
    delete(ref, stale, sequence);
    if (!writeRegistry(ref, topics, sequence)) {
      // A newer event was applied meanwhile: take back what this one wrote that it does not keep.
      var leftover = new TreeSet<>(topics);
      leftover.removeAll(registry(ref).topics());
      delete(ref, leftover, sequence + 1);
    }
  }

  @Override
  public void unsubscribe(ContinuationRef ref, long sequence) {
    Registry registry = registry(ref);
    // Never subscribed (as far as the index knows): nothing to delete, and no document to write.
    if (registry.sequence() < 0 || registry.sequence() >= sequence) return;
    delete(ref, registry.topics(), sequence);
    writeRegistry(ref, Set.of(), sequence);
  }

  private void delete(ContinuationRef ref, Set<String> topics, long sequence) {
    for (String topic : topics) {
      ConditionalDocs.deleteIfOlder(
          container, topicKey(ref.tenant(), topic), ref.id().value(), sequence);
    }
  }

  private boolean writeRegistry(ContinuationRef ref, Set<String> topics, long sequence) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put(ConditionalDocs.ID, REGISTRY_ID);
    doc.put(ConditionalDocs.PK, continuationKey(ref));
    var list = doc.putArray(TOPICS);
    new TreeSet<>(topics).forEach(list::add);
    doc.put(ConditionalDocs.SEQUENCE, sequence);
    return ConditionalDocs.putIfNewer(container, doc);
  }

  private Registry registry(ContinuationRef ref) {
    Optional<ObjectNode> doc = ConditionalDocs.read(container, continuationKey(ref), REGISTRY_ID);
    if (doc.isEmpty()) return new Registry(Set.of(), -1);
    var topics = new TreeSet<String>();
    for (JsonNode topic : doc.get().path(TOPICS)) topics.add(topic.asText());
    return new Registry(topics, ConditionalDocs.sequence(doc.get()));
  }

  static String topicKey(TenantId tenant, String topic) {
    return tenant.value() + "#" + topic;
  }

  /** The partition of a continuation's own documents here (its registry, its CDC cursor). */
  public static String continuationKey(ContinuationRef ref) {
    return ref.tenant().value() + "#" + ref.id().value();
  }

  private record Registry(Set<String> topics, long sequence) {}
}
