package dev.maestro.aws.cdc;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.lambda.HandlerLog;
import dev.maestro.aws.streams.DynamoDeadLetters;
import dev.maestro.aws.streams.DynamoSubscriptions;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.facts.FactRows;
import dev.maestro.core.facts.FactSink;
import dev.maestro.core.json.Json;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.SubscriptionIndexer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Change data capture over the {@code events} table's stream ({@code NEW_IMAGE}, event source
 * mapping with {@code ReportBatchItemFailures}). For every inserted event it updates the stream
 * subscriptions index ({@link SubscriptionIndexer}), fans a {@code publish} event out to its tag's
 * subscribers ({@link PublishFanout}: a due-now wake registered with the scheduler for each, which
 * starts its tick) and sends the event's fact rows ({@link FactRows}) to the {@link FactSink}. All
 * are idempotent, so a replayed record changes nothing in the index, registers the same wake ids
 * again (each applied at most once) and sends the same rows again. A record whose image is not an
 * event (a bug, never a transient state) is dead-lettered as {@code cdc} and skipped, so it cannot
 * stall the shard. On a failure the rows gathered so far are sent and the failing record's sequence
 * number is reported; if sending fails, the batch's first record is reported and the whole batch is
 * retried.
 *
 * <p>Environment: those of {@link AwsRuntime}, and {@code MAESTRO_FACTS_DELIVERY_STREAM}, the
 * Firehose delivery stream the rows go to.
 */
public final class CdcHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  static final String SOURCE = "cdc";

  private final SubscriptionIndexer indexer;
  private final PublishFanout fanout;
  private final FactSink facts;
  private final DeadLetters deadLetters;
  private final Clock clock;

  public CdcHandler(
      SubscriptionIndexer indexer,
      PublishFanout fanout,
      FactSink facts,
      DeadLetters deadLetters,
      Clock clock) {
    this.indexer = Objects.requireNonNull(indexer, "indexer");
    this.fanout = Objects.requireNonNull(fanout, "fanout");
    this.facts = Objects.requireNonNull(facts, "facts");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static final class Container {
    static final CdcHandler HANDLER =
        fromRuntime(
            AwsRuntime.container(),
            FirehoseFactSink.fromEnvironment(
                AwsRuntime.requiredEnv(
                    "MAESTRO_FACTS_DELIVERY_STREAM", "the Firehose delivery stream for fact rows"),
                AwsRuntime.requiredEnv("AWS_REGION", "the AWS region (set by Lambda)")));
  }

  /** The Lambda runtime's constructor: the container's wiring, facts to Firehose. */
  public CdcHandler() {
    this(
        Container.HANDLER.indexer,
        Container.HANDLER.fanout,
        Container.HANDLER.facts,
        Container.HANDLER.deadLetters,
        Container.HANDLER.clock);
  }

  /**
   * Wiring over the container's DynamoDB tables and scheduler (publish wakes), with the given fact
   * sink.
   */
  public static CdcHandler fromRuntime(AwsRuntime runtime, FactSink facts) {
    var subscriptions = new DynamoSubscriptions(runtime.client(), runtime.tables());
    return new CdcHandler(
        new SubscriptionIndexer(subscriptions),
        new PublishFanout(
            subscriptions, new SchedulerWakeSink(runtime.substrate().scheduler(), runtime.clock())),
        facts,
        new DynamoDeadLetters(runtime.client(), runtime.tables()),
        runtime.clock());
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    var records =
        event.getRecords() == null
            ? List.<DynamodbEvent.DynamodbStreamRecord>of()
            : event.getRecords();
    var rows = new ArrayList<byte[]>();
    String failed = null;
    for (DynamodbEvent.DynamodbStreamRecord record : records) {
      if (!"INSERT".equals(record.getEventName())) continue; // the log is append-only
      String sequence = record.getDynamodb().getSequenceNumber();
      EventEnvelope envelope;
      try {
        envelope = envelope(record);
      } catch (IllegalArgumentException | java.io.UncheckedIOException notAnEvent) {
        try {
          deadLetters.record(
              new DeadLetter(
                  SOURCE,
                  sequence,
                  created(record),
                  String.valueOf(record.getDynamodb().getNewImage()),
                  String.valueOf(notAnEvent.getMessage())));
          continue;
        } catch (RuntimeException storeFailed) {
          HandlerLog.retrying(context, SOURCE, sequence, storeFailed);
          failed = sequence;
          break;
        }
      }
      try {
        indexer.apply(envelope);
        fanout.apply(envelope);
        rows.addAll(FactRows.rows(envelope));
      } catch (RuntimeException transientFailure) {
        HandlerLog.retrying(context, SOURCE, sequence, transientFailure);
        failed = sequence;
        break;
      }
    }
    if (!rows.isEmpty()) {
      try {
        facts.put(rows);
      } catch (RuntimeException sinkFailed) {
        String first = records.get(0).getDynamodb().getSequenceNumber();
        HandlerLog.retrying(context, SOURCE, first, sinkFailed);
        failed = first;
      }
    }
    return new StreamsEventResponse(
        failed == null ? List.of() : List.of(new StreamsEventResponse.BatchItemFailure(failed)));
  }

  /** The event in a record's new image: its {@code body} attribute, as the event log wrote it. */
  static EventEnvelope envelope(DynamodbEvent.DynamodbStreamRecord record) {
    Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
    AttributeValue body = image == null ? null : image.get("body");
    if (body == null || body.getS() == null) {
      throw new IllegalArgumentException("the new image has no string attribute body");
    }
    return Json.read(body.getS(), EventEnvelope.class);
  }

  private Instant created(DynamodbEvent.DynamodbStreamRecord record) {
    var created = record.getDynamodb().getApproximateCreationDateTime();
    return created == null ? clock.instant() : created.toInstant();
  }
}
