package dev.maestro.aws.dynamodb;

/**
 * DynamoDB failed for a reason that is not a domain condition (throttling beyond the SDK's retries,
 * a network failure, a missing table, an item over 400 KB). Domain conditions (conflict, fencing,
 * not found, a held lease) are always reported as {@code dev.maestro.core.error} exceptions
 * instead. The SDK's exception is the cause.
 */
public final class DynamoStoreException extends RuntimeException {

  DynamoStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  DynamoStoreException(String message) {
    super(message);
  }
}
