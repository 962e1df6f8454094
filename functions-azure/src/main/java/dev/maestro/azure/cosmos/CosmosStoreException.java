package dev.maestro.azure.cosmos;

/**
 * An infrastructure failure of the Cosmos DB substrate (throttling beyond the SDK's retries, an
 * unexpected status, a corrupt document), as opposed to the domain outcomes the ports declare.
 */
public final class CosmosStoreException extends RuntimeException {

  CosmosStoreException(String message) {
    super(message);
  }

  CosmosStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
