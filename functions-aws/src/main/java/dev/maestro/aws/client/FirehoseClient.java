package dev.maestro.aws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Writes records to a Firehose stream ({@code PutRecordBatch}, awsJson 1.1, target prefix {@code
 * Firehose_20150804}, signing name {@code firehose}): how CDC events leave DynamoDB Streams for S3.
 * A batch of any size is split into calls of at most 500 records and 4 MiB of data; records the
 * service rejected individually (a partial failure, {@code FailedPutCount > 0}) are sent again, and
 * only those, for a bounded number of rounds. Firehose itself is at-least-once, and so is this: a
 * call whose answer was lost may have written its records.
 */
public final class FirehoseClient {

  /** Records per {@code PutRecordBatch} call (a service limit). */
  public static final int MAX_RECORDS_PER_CALL = 500;

  /** Data bytes per call, before base64 (a service limit). */
  public static final int MAX_BYTES_PER_CALL = 4 * 1024 * 1024;

  /** Data bytes per record, before base64 (a service limit). */
  public static final int MAX_RECORD_BYTES = 1_000 * 1024;

  private static final int DEFAULT_ROUNDS = 4;
  private static final Duration ROUND_BASE_DELAY = Duration.ofMillis(100);
  private static final Duration ROUND_MAX_DELAY = Duration.ofSeconds(2);

  private final AwsJsonClient client;
  private final int maxRounds;
  private final AwsJsonClient.Sleeper sleeper;
  private final RandomGenerator random;

  /** A client over {@code client}, which must be signed for {@code firehose}. */
  public FirehoseClient(AwsJsonClient client) {
    this(client, DEFAULT_ROUNDS, d -> Thread.sleep(d), ThreadLocalRandom.current());
  }

  FirehoseClient(
      AwsJsonClient client, int maxRounds, AwsJsonClient.Sleeper sleeper, RandomGenerator random) {
    this.client = Objects.requireNonNull(client, "client");
    if (maxRounds < 1) throw new IllegalArgumentException("maxRounds must be >= 1");
    this.maxRounds = maxRounds;
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A client for {@code https://firehose.{region}.amazonaws.com} with the default parts. */
  public static FirehoseClient create(String region) {
    return new FirehoseClient(
        AwsJsonClient.create(AwsEndpoint.regional("firehose", region), "firehose"));
  }

  /** A record the service still rejected after the last round, by its index in the input. */
  public record FailedRecord(int index, String errorCode, String errorMessage) {}

  /** What became of a batch: how many records were accepted, and the ones that were not. */
  public record BatchResult(int accepted, List<FailedRecord> failed) {
    public BatchResult {
      failed = List.copyOf(failed);
    }

    /** Whether every record was accepted. */
    public boolean allAccepted() {
      return failed.isEmpty();
    }
  }

  /**
   * Writes {@code records} to {@code deliveryStreamName}. Returns once every record was accepted or
   * the rounds are spent; a call that fails as a whole (after its own retries) throws {@link
   * AwsCallException}.
   *
   * @throws IllegalArgumentException if a record exceeds {@link #MAX_RECORD_BYTES}
   */
  public BatchResult putRecordBatch(String deliveryStreamName, List<byte[]> records) {
    Objects.requireNonNull(deliveryStreamName, "deliveryStreamName");
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).length > MAX_RECORD_BYTES) {
        throw new IllegalArgumentException(
            "record "
                + i
                + " has "
                + records.get(i).length
                + " bytes; at most "
                + MAX_RECORD_BYTES);
      }
    }
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) pending.add(i);
    List<FailedRecord> failed = List.of();
    for (int round = 1; round <= maxRounds && !pending.isEmpty(); round++) {
      if (round > 1) pause(round - 1);
      failed = new ArrayList<>();
      for (List<Integer> chunk : chunks(pending, records)) {
        failed.addAll(putChunk(deliveryStreamName, chunk, records));
      }
      pending = failed.stream().map(FailedRecord::index).toList();
    }
    return new BatchResult(records.size() - failed.size(), failed);
  }

  private List<FailedRecord> putChunk(String stream, List<Integer> chunk, List<byte[]> records) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("DeliveryStreamName", stream);
    ArrayNode array = body.putArray("Records");
    Base64.Encoder base64 = Base64.getEncoder();
    for (int index : chunk)
      array.addObject().put("Data", base64.encodeToString(records.get(index)));
    JsonNode response = client.callTarget("1.1", "Firehose_20150804.PutRecordBatch", body);
    if (response.path("FailedPutCount").asInt(0) == 0) return List.of();
    JsonNode answers = response.path("RequestResponses");
    if (!answers.isArray() || answers.size() != chunk.size()) {
      throw new AwsCallException(
          "PutRecordBatch",
          200,
          "MalformedResponse",
          "RequestResponses has " + answers.size() + " entries for " + chunk.size() + " records",
          false,
          null);
    }
    List<FailedRecord> failed = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      JsonNode answer = answers.get(i);
      if (answer.hasNonNull("ErrorCode")) {
        failed.add(
            new FailedRecord(
                chunk.get(i),
                answer.get("ErrorCode").asText(),
                answer.path("ErrorMessage").asText("")));
      }
    }
    return failed;
  }

  /** Consecutive runs of {@code indices} within the per-call record and byte limits. */
  static List<List<Integer>> chunks(List<Integer> indices, List<byte[]> records) {
    List<List<Integer>> chunks = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int index : indices) {
      int size = records.get(index).length;
      if (!current.isEmpty()
          && (current.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(index);
      bytes += size;
    }
    if (!current.isEmpty()) chunks.add(current);
    return chunks;
  }

  private void pause(int retry) {
    long ceiling =
        Math.min(ROUND_MAX_DELAY.toNanos(), ROUND_BASE_DELAY.toNanos() << Math.min(retry - 1, 20));
    try {
      sleeper.sleep(Duration.ofNanos(random.nextLong(ceiling + 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while re-sending failed records", e);
    }
  }
}
