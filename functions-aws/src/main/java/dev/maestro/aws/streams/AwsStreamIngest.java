package dev.maestro.aws.streams;

import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamIngest;

/**
 * The AWS wiring of the cloud-neutral {@link StreamIngest}: the subscriptions index and dead
 * letters on DynamoDB, wakes registered with the container's scheduler ({@link AwsRuntime}).
 */
public final class AwsStreamIngest {

  private AwsStreamIngest() {}

  /** The production wiring over {@code runtime}'s tables and scheduler. */
  public static StreamIngest fromRuntime(AwsRuntime runtime) {
    return new StreamIngest(
        new DynamoSubscriptions(runtime.client(), runtime.tables()),
        new SchedulerWakeSink(runtime.substrate().scheduler(), runtime.clock()),
        new DynamoDeadLetters(runtime.client(), runtime.tables()));
  }
}
