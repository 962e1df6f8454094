package dev.maestro.aws.streams;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.lambda.HandlerLog;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Stream wakes from a Kinesis data stream (event source mapping with {@code
 * ReportBatchItemFailures}). Each record's data is a UTF-8 stream message; its {@code message_id}
 * defaults to the sequence number. Poison records are dead-lettered and acknowledged, so they never
 * block the shard. On a failed delivery the handler stops and reports that record's sequence
 * number: Lambda retries the shard from it, so processing later records now would only repeat them.
 * Environment: {@code MAESTRO_TABLE_PREFIX}.
 */
public final class KinesisWakeHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {

  static final String SOURCE = "kinesis";

  private static final class Container {
    static final StreamIngest INGEST = AwsStreamIngest.fromRuntime(AwsRuntime.container());
  }

  private final StreamIngest ingest;
  private final Clock clock;

  /** The Lambda runtime's constructor: shares the container's wiring. */
  public KinesisWakeHandler() {
    this(Container.INGEST, Clock.systemUTC());
  }

  /** Explicit wiring (local invocation, tests); {@code clock} stamps records without a time. */
  public KinesisWakeHandler(StreamIngest ingest, Clock clock) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    if (event.getRecords() == null) return new StreamsEventResponse(List.of());
    for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
      KinesisEvent.Record kinesis = record.getKinesis();
      String sequence = kinesis.getSequenceNumber();
      String data = utf8(kinesis.getData());
      Instant arrived =
          kinesis.getApproximateArrivalTimestamp() == null
              ? clock.instant()
              : kinesis.getApproximateArrivalTimestamp().toInstant();
      try {
        ingest.accept(SOURCE, sequence, arrived, data, () -> StreamMessages.parse(data, sequence));
      } catch (RuntimeException transientFailure) {
        HandlerLog.retrying(context, "stream " + SOURCE, sequence, transientFailure);
        return new StreamsEventResponse(
            List.of(new StreamsEventResponse.BatchItemFailure(sequence)));
      }
    }
    return new StreamsEventResponse(List.of());
  }

  /** The record's bytes as text; malformed UTF-8 becomes replacement characters (then poison). */
  private static String utf8(ByteBuffer data) {
    if (data == null) return "";
    ByteBuffer copy = data.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
