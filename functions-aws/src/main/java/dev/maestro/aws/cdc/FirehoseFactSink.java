package dev.maestro.aws.cdc;

import dev.maestro.aws.client.FirehoseClient;
import dev.maestro.core.facts.FactSink;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Fact rows into a Firehose delivery stream (which lands them in S3 for the warm store). The client
 * re-sends records Firehose rejected a bounded number of times; any still rejected fail the whole
 * put, so the CDC handler reports the batch for retry (rows are deduplicated downstream).
 */
public final class FirehoseFactSink implements FactSink {

  private final FirehoseClient firehose;
  private final String deliveryStream;

  public FirehoseFactSink(FirehoseClient firehose, String deliveryStream) {
    this.firehose = Objects.requireNonNull(firehose, "firehose");
    this.deliveryStream = Objects.requireNonNull(deliveryStream, "deliveryStream");
  }

  /** A sink over the regional Firehose endpoint with the default credentials. */
  static FirehoseFactSink fromEnvironment(String deliveryStream, String region) {
    return new FirehoseFactSink(FirehoseClient.create(region), deliveryStream);
  }

  @Override
  public void put(List<byte[]> records) {
    if (records.isEmpty()) return;
    FirehoseClient.BatchResult result = firehose.putRecordBatch(deliveryStream, records);
    if (!result.allAccepted()) {
      throw new IllegalStateException(
          "Firehose rejected "
              + result.failed().size()
              + " of "
              + records.size()
              + " fact rows: "
              + result.failed().stream()
                  .limit(3)
                  .map(f -> f.errorCode() + " " + f.errorMessage())
                  .collect(Collectors.joining("; ")));
    }
  }
}
