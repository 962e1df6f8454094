package dev.maestro.aws.streams;

import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The subscriptions index on DynamoDB ({@link DynamoTables#subscriptions()}). One item per (tenant,
 * topic, continuation): pk {@code tenant#topic}, sk the continuation id, {@code sequence} the event
 * that subscribed it. Beside them, one registry item per continuation that ever subscribed (pk
 * {@code tenant#continuationId}, sk {@value #REGISTRY_SK}: its current {@code topics} and the last
 * applied {@code sequence}); it tells an unsubscribe which items to delete and, never deleted, acts
 * as the tombstone that stops a replayed old event from resurrecting a subscription. A continuation
 * id is never {@value #REGISTRY_SK}, so the two kinds of item never collide. Writes are conditional
 * on the sequence being newer; DynamoDB failures surface as the SDK's exceptions (retryable).
 */
public final class DynamoSubscriptions implements Subscriptions {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String SEQUENCE = "sequence";
  static final String TOPICS = "topics";
  static final String REGISTRY_SK = "#topics";

  private static final String NEWER =
      "attribute_not_exists(" + PK + ") OR #seq < :seq"; // applied only if this event is newer

  private final DynamoDbClient client;
  private final String table;

  public DynamoSubscriptions(DynamoDbClient client, DynamoTables tables) {
    this.client = Objects.requireNonNull(client, "client");
    this.table = tables.subscriptions();
  }

  @Override
  public List<ContinuationId> subscribers(TenantId tenant, String topic) {
    var ids = new ArrayList<ContinuationId>();
    var request =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", PK))
            .expressionAttributeValues(Map.of(":pk", s(tenant.value() + "#" + topic)))
            .projectionExpression(SK)
            .consistentRead(true)
            .build();
    for (var page : client.queryPaginator(request)) {
      for (var item : page.items()) {
        String sk = item.get(SK).s();
        // A topic that spells a continuation id shares its pk with that registry item: skip it.
        if (ContinuationId.isValid(sk)) ids.add(ContinuationId.of(sk));
      }
    }
    return ids;
  }

  @Override
  public void subscribe(ContinuationRef ref, Set<String> topics, long sequence) {
    Registry registry = registry(ref);
    if (registry.sequence() >= sequence) return;
    for (String topic : new TreeSet<>(topics)) {
      var item = new HashMap<String, AttributeValue>();
      item.put(PK, s(ref.tenant().value() + "#" + topic));
      item.put(SK, s(ref.id().value()));
      item.put(SEQUENCE, n(sequence));
      item.put("tenant", s(ref.tenant().value()));
      item.put("topic", s(topic));
      putIfNewer(item, sequence);
    }
    var stale = new TreeSet<>(registry.topics());
    stale.removeAll(topics);
    delete(ref, stale, sequence);
    writeRegistry(ref, topics, sequence);
  }

  @Override
  public void unsubscribe(ContinuationRef ref, long sequence) {
    Registry registry = registry(ref);
    // Never subscribed (as far as the index knows): nothing to delete, and no item to write.
    if (registry.sequence() < 0 || registry.sequence() >= sequence) return;
    delete(ref, registry.topics(), sequence);
    writeRegistry(ref, Set.of(), sequence);
  }

  private void delete(ContinuationRef ref, Set<String> topics, long sequence) {
    for (String topic : topics) {
      conditionally(
          () ->
              client.deleteItem(
                  DeleteItemRequest.builder()
                      .tableName(table)
                      .key(
                          Map.of(
                              PK, s(ref.tenant().value() + "#" + topic), SK, s(ref.id().value())))
                      .conditionExpression("#seq < :seq")
                      .expressionAttributeNames(Map.of("#seq", SEQUENCE))
                      .expressionAttributeValues(Map.of(":seq", n(sequence)))
                      .build()));
    }
  }

  private void writeRegistry(ContinuationRef ref, Set<String> topics, long sequence) {
    var item = new HashMap<String, AttributeValue>(registryKey(ref));
    item.put(TOPICS, AttributeValue.fromL(new TreeSet<>(topics).stream().map(t -> s(t)).toList()));
    item.put(SEQUENCE, n(sequence));
    putIfNewer(item, sequence);
  }

  /** Puts {@code item} unless the stored one was written for {@code sequence} or a later event. */
  private void putIfNewer(Map<String, AttributeValue> item, long sequence) {
    conditionally(
        () ->
            client.putItem(
                PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression(NEWER)
                    .expressionAttributeNames(Map.of("#seq", SEQUENCE))
                    .expressionAttributeValues(Map.of(":seq", n(sequence)))
                    .build()));
  }

  private Registry registry(ContinuationRef ref) {
    var response =
        client.getItem(
            GetItemRequest.builder()
                .tableName(table)
                .key(registryKey(ref))
                .consistentRead(true)
                .build());
    if (!response.hasItem() || response.item().isEmpty()) return new Registry(Set.of(), -1);
    var item = response.item();
    var topics = new TreeSet<String>();
    if (item.containsKey(TOPICS)) item.get(TOPICS).l().forEach(v -> topics.add(v.s()));
    return new Registry(topics, Long.parseLong(item.get(SEQUENCE).n()));
  }

  private static Map<String, AttributeValue> registryKey(ContinuationRef ref) {
    return Map.of(PK, s(ref.tenant().value() + "#" + ref.id().value()), SK, s(REGISTRY_SK));
  }

  /** Runs a conditional write; a failed condition means a newer event already applied. */
  private static void conditionally(Runnable write) {
    try {
      write.run();
    } catch (ConditionalCheckFailedException newerAlreadyApplied) {
      // Idempotence: the index already reflects this event or a later one.
    }
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  private record Registry(Set<String> topics, long sequence) {}
}
