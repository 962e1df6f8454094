package dev.maestro.aws.dynamodb;

import static dev.maestro.aws.dynamodb.Items.PK;
import static dev.maestro.aws.dynamodb.Items.TENANT;
import static dev.maestro.aws.dynamodb.Items.n;
import static dev.maestro.aws.dynamodb.Items.s;
import static dev.maestro.aws.dynamodb.Items.sdk;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.EpochNanos;
import dev.maestro.core.substrate.IdempotencyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Idempotency keys in the {@code idempotency} table, one item per (tenant, key) with pk {@code
 * tenant#key}. A claim is a put with {@code attribute_not_exists(pk)}: DynamoDB lets exactly one of
 * racing claims win, and the losers get the stored claim back (returned with the failed condition,
 * or read strongly consistently). A known key is answered from a consistent read without a write.
 */
final class DynamoIdempotencyStore implements IdempotencyStore {

  static final String KEY = "key";
  static final String FINGERPRINT = "requestFingerprint";
  static final String RESOURCE_ID = "resourceId";
  static final String CLAIMED_AT = "claimedAt";

  private final DynamoDbClient client;
  private final DynamoTables tables;

  DynamoIdempotencyStore(DynamoDbClient client, DynamoTables tables) {
    this.client = client;
    this.tables = tables;
  }

  @Override
  public Claim claim(TenantId tenant, Claim proposed) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(proposed, "proposed");
    Map<String, AttributeValue> key = Map.of(PK, s(Items.tenantKey(tenant, proposed.key())));
    String what = "claiming idempotency key " + proposed.key() + " of " + tenant;
    Optional<Claim> known =
        sdk(what, () -> Items.getConsistent(client, tables.idempotency(), key))
            .map(DynamoIdempotencyStore::claimOf);
    if (known.isPresent()) return known.get();

    var item = new HashMap<String, AttributeValue>(key);
    item.put(TENANT, s(tenant.value()));
    item.put(KEY, s(proposed.key()));
    item.put(FINGERPRINT, s(proposed.requestFingerprint()));
    item.put(RESOURCE_ID, s(proposed.resourceId()));
    item.put(CLAIMED_AT, n(EpochNanos.of(proposed.claimedAt())));
    var request =
        PutItemRequest.builder()
            .tableName(tables.idempotency())
            .item(item)
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", PK))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    return sdk(
        what,
        () -> {
          try {
            client.putItem(request);
            return proposed;
          } catch (ConditionalCheckFailedException lost) {
            // Another claim of this key won between our read and our put: return the winner's.
            Map<String, AttributeValue> stored =
                lost.hasItem() && !lost.item().isEmpty()
                    ? lost.item()
                    : Items.getConsistent(client, tables.idempotency(), key)
                        .orElseThrow(
                            () ->
                                new DynamoStoreException(
                                    "idempotency key "
                                        + proposed.key()
                                        + " is neither free nor stored",
                                    lost));
            return claimOf(stored);
          }
        });
  }

  private static Claim claimOf(Map<String, AttributeValue> item) {
    return new Claim(
        Items.string(item, KEY),
        Items.string(item, FINGERPRINT),
        Items.string(item, RESOURCE_ID),
        EpochNanos.toInstant(Items.number(item, CLAIMED_AT)));
  }
}
