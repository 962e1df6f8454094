package dev.maestro.aws.dynamodb;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Attribute names, key encoding and value conversions shared by the DynamoDB stores. Partition keys
 * are {@code tenant#rest}: a tenant id cannot contain {@code #}, so the first {@code #} always
 * separates the tenant and no key of one tenant can name another's item.
 */
final class Items {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String TENANT = "tenant";
  static final String CONTINUATION_ID = "continuationId";

  /** Cancellation-reason codes of {@code TransactWriteItems} that the stores tell apart. */
  static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";

  static final String TRANSACTION_CONFLICT = "TransactionConflict";
  static final String NONE = "None";

  private Items() {}

  /** The partition key of a continuation's items in every table keyed by continuation. */
  static String continuationKey(TenantId tenant, ContinuationId id) {
    return tenant.value() + "#" + id.value();
  }

  /** The partition key of a tenant-scoped name, such as an idempotency key. */
  static String tenantKey(TenantId tenant, String name) {
    return tenant.value() + "#" + name;
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue bool(boolean value) {
    return AttributeValue.fromBool(value);
  }

  static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.s() == null) {
      throw new DynamoStoreException("item lacks the string attribute " + name + ": " + item);
    }
    return value.s();
  }

  static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    if (value == null || value.n() == null) {
      throw new DynamoStoreException("item lacks the number attribute " + name + ": " + item);
    }
    return Long.parseLong(value.n());
  }

  /**
   * Runs one SDK call, reporting infrastructure failures as {@link DynamoStoreException}. Domain
   * conditions must be caught and mapped inside {@code call}; they never reach this wrapper.
   */
  static <T> T sdk(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw new DynamoStoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  /** A strongly consistent read of one item, empty when it does not exist. */
  static Optional<Map<String, AttributeValue>> getConsistent(
      DynamoDbClient client, String table, Map<String, AttributeValue> key) {
    var response =
        client.getItem(
            GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(response.item())
        : Optional.empty();
  }

  /** The cancellation-reason code of each item of a cancelled transaction, in request order. */
  static List<String> reasonCodes(TransactionCanceledException e) {
    if (!e.hasCancellationReasons()) {
      throw new DynamoStoreException("a transaction was cancelled without reasons", e);
    }
    return e.cancellationReasons().stream()
        .map(CancellationReason::code)
        .map(code -> code == null ? NONE : code)
        .toList();
  }

  /** Codes that mean neither a failed condition nor a concurrent transaction: real failures. */
  static void rethrowUnexpected(TransactionCanceledException e, List<String> codes, String what) {
    for (String code : codes) {
      if (!code.equals(NONE)
          && !code.equals(CONDITIONAL_CHECK_FAILED)
          && !code.equals(TRANSACTION_CONFLICT)) {
        throw new DynamoStoreException(what + " was cancelled: " + codes, e);
      }
    }
  }
}
