package dev.maestro.aws.streams;

import dev.maestro.aws.dynamodb.DynamoSchema;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Dead letters in DynamoDB ({@link DynamoTables#deadLetters()}): pk {@code source#yyyy-mm-dd} (UTC
 * day received), sk {@code receivedAt#recordId}, so one day of one source reads as one query in
 * arrival order. Items carry {@value #EXPIRES_AT} (epoch seconds, {@link #RETENTION} after
 * receipt), the table's TTL attribute. A raw record longer than {@value #MAX_RAW_CHARS} characters
 * is cut (marked {@code truncated}) to stay under DynamoDB's 400 KB item limit.
 */
public final class DynamoDeadLetters implements DeadLetters {

  /** The TTL attribute. */
  public static final String EXPIRES_AT = DynamoSchema.DEAD_LETTER_TTL;

  /** How long a dead letter is kept. */
  public static final Duration RETENTION = Duration.ofDays(14);

  static final int MAX_RAW_CHARS = 100_000;
  static final int MAX_ERROR_CHARS = 4_000;

  private final DynamoDbClient client;
  private final String table;

  public DynamoDeadLetters(DynamoDbClient client, DynamoTables tables) {
    this.client = Objects.requireNonNull(client, "client");
    this.table = tables.deadLetters();
  }

  @Override
  public void record(DeadLetter letter) {
    var item = new HashMap<String, AttributeValue>();
    String day = letter.receivedAt().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    item.put("pk", AttributeValue.fromS(letter.source() + "#" + day));
    item.put("sk", AttributeValue.fromS(letter.receivedAt() + "#" + letter.recordId()));
    item.put("source", AttributeValue.fromS(letter.source()));
    item.put("recordId", AttributeValue.fromS(letter.recordId()));
    item.put("receivedAt", AttributeValue.fromS(letter.receivedAt().toString()));
    boolean truncated = letter.raw().length() > MAX_RAW_CHARS;
    item.put(
        "raw",
        AttributeValue.fromS(truncated ? letter.raw().substring(0, MAX_RAW_CHARS) : letter.raw()));
    item.put("truncated", AttributeValue.fromBool(truncated));
    String error = letter.error();
    item.put(
        "error",
        AttributeValue.fromS(
            error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error));
    item.put(
        EXPIRES_AT,
        AttributeValue.fromN(Long.toString(letter.receivedAt().plus(RETENTION).getEpochSecond())));
    client.putItem(PutItemRequest.builder().tableName(table).item(item).build());
  }
}
