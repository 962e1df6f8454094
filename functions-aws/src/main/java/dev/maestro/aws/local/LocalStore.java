package dev.maestro.aws.local;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB a local invocation runs against, and how to let go of it: an external DynamoDB Local
 * ({@link #endpoint}) or one the caller started in this process ({@link #of}; the eval module
 * starts DynamoDB Local embedded, which this module has only as a test dependency).
 */
public final class LocalStore implements AutoCloseable {

  private final DynamoDbClient client;
  private final String description;
  private final Runnable onClose;

  private LocalStore(DynamoDbClient client, String description, Runnable onClose) {
    this.client = Objects.requireNonNull(client, "client");
    this.description = Objects.requireNonNull(description, "description");
    this.onClose = Objects.requireNonNull(onClose, "onClose");
  }

  /**
   * A store over {@code client}; {@code onClose} runs after the client is closed (e.g. shuts down
   * an embedded DynamoDB Local).
   */
  public static LocalStore of(DynamoDbClient client, String description, Runnable onClose) {
    return new LocalStore(client, description, onClose);
  }

  /**
   * DynamoDB (Local) at {@code endpoint}, with placeholder credentials and region: DynamoDB Local
   * accepts any, and a real endpoint would need the real ones from the environment instead.
   */
  public static LocalStore endpoint(URI endpoint) {
    DynamoDbClient client =
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .build();
    return new LocalStore(client, "DynamoDB at " + endpoint, () -> {});
  }

  public DynamoDbClient client() {
    return client;
  }

  /** What and where the store is, for progress lines. */
  public String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      onClose.run();
    }
  }
}
