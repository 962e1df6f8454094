package dev.maestro.aws.streams;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.lambda.HandlerLog;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessages;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;

/**
 * Stream wakes from an SQS queue (event source mapping with {@code ReportBatchItemFailures}). Each
 * message body is a stream message; its {@code message_id} defaults to the SQS message id. Poison
 * messages are dead-lettered and acknowledged; a message whose delivery failed is listed in {@code
 * batchItemFailures} and only it is retried. Environment: {@code MAESTRO_TABLE_PREFIX}.
 */
public final class SqsWakeHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  static final String SOURCE = "sqs";

  private static final class Container {
    static final StreamIngest INGEST = AwsStreamIngest.fromRuntime(AwsRuntime.container());
  }

  private final StreamIngest ingest;
  private final Clock clock;

  /** The Lambda runtime's constructor: shares the container's wiring. */
  public SqsWakeHandler() {
    this(Container.INGEST, Clock.systemUTC());
  }

  /** Explicit wiring (local invocation, tests); {@code clock} stamps records without a time. */
  public SqsWakeHandler(StreamIngest ingest, Clock clock) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
    if (event.getRecords() == null) return new SQSBatchResponse(failures);
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      String id = message.getMessageId();
      String body = message.getBody();
      try {
        ingest.accept(SOURCE, id, sentAt(message), body, () -> StreamMessages.parse(body, id));
      } catch (RuntimeException transientFailure) {
        HandlerLog.retrying(context, "stream " + SOURCE, id, transientFailure);
        failures.add(new SQSBatchResponse.BatchItemFailure(id));
      }
    }
    return new SQSBatchResponse(failures);
  }

  /** SQS's {@code SentTimestamp} (epoch ms), the same on every redelivery; else now. */
  private Instant sentAt(SQSEvent.SQSMessage message) {
    var attributes = message.getAttributes();
    String sent = attributes == null ? null : attributes.get("SentTimestamp");
    if (sent != null) {
      try {
        return Instant.ofEpochMilli(Long.parseLong(sent));
      } catch (NumberFormatException notAnEpoch) {
        // Not SQS's format: fall back to the arrival time here.
      }
    }
    return clock.instant();
  }
}
