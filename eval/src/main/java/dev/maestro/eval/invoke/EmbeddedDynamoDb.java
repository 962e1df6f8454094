package dev.maestro.eval.invoke;

import dev.maestro.aws.local.LocalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local in this process, kept in a database file so that local invocations build on each
 * other (a continuation created by one is there for the next). The file is the one the DynamoDB
 * Local server uses with {@code -sharedDb -dbPath DIR}, so that server can open the same data. One
 * process at a time: DynamoDB Local does not share the file between processes.
 */
public final class EmbeddedDynamoDb {

  /** The database file's name in the data directory (DynamoDB Local's {@code -sharedDb} name). */
  public static final String DATABASE_FILE = "shared-local-instance.db";

  private EmbeddedDynamoDb() {}

  /** Starts DynamoDB Local on {@code dataDir}/{@value #DATABASE_FILE}, creating the directory. */
  public static LocalStore open(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(DATABASE_FILE).toAbsolutePath();
    // true disables DynamoDB Local's start-up telemetry: nothing here phones home.
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create(file.toFile(), true);
    return LocalStore.of(
        local.dynamoDbClient(), "DynamoDB Local in-process on " + file, local::shutdown);
  }
}
