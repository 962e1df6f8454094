package dev.maestro.azure.streams;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import com.microsoft.azure.functions.annotation.ServiceBusTopicTrigger;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessages;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * Stream wakes from a Service Bus queue or topic subscription. The message body is a stream message
 * {@code {"tenant","topic","message_id"?,"body","continuation_id"?}}; its {@code message_id}
 * defaults to the Service Bus {@code MessageId} (binding metadata). A poison message is
 * dead-lettered in the Storage queue and the invocation returns normally, so the host completes it:
 * it never cycles through redeliveries. A failed delivery throws: the host abandons the message,
 * Service Bus redelivers it up to the entity's max delivery count and then moves it to its own
 * dead-letter queue.
 *
 * <p>App settings: {@code MAESTRO_SERVICEBUS} (the connection), {@code MAESTRO_STREAM_QUEUE} (the
 * queue), {@code MAESTRO_STREAM_TOPIC} and {@code MAESTRO_STREAM_SUBSCRIPTION} (the topic
 * subscription). A deployment that uses only one of the two disables the other function ({@code
 * AzureWebJobs.<name>.Disabled}).
 */
public final class ServiceBusWakeFunction {

  static final String SOURCE = "servicebus";

  private final Function<DurableTaskClient, StreamIngest> ingest;
  private final Clock clock;

  /** The Functions host's constructor: the app instance's shared resources. */
  public ServiceBusWakeFunction() {
    this(
        client -> StreamResources.container().ingest(AzureRuntime.container(), client),
        Clock.systemUTC());
  }

  /**
   * @param ingest the ingest of one invocation, given its Durable client
   * @param clock the time a message's wake is stamped with
   */
  public ServiceBusWakeFunction(Function<DurableTaskClient, StreamIngest> ingest, Clock clock) {
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @FunctionName("streamServiceBusQueue")
  public void fromQueue(
      @ServiceBusQueueTrigger(
              name = "message",
              queueName = "%MAESTRO_STREAM_QUEUE%",
              connection = "MAESTRO_SERVICEBUS")
          String message,
      @BindingName("MessageId") String messageId,
      @DurableClientInput(name = "durableContext") DurableClientContext durableContext,
      ExecutionContext context) {
    accept(message, messageId, durableContext.getClient());
  }

  @FunctionName("streamServiceBusTopic")
  public void fromTopic(
      @ServiceBusTopicTrigger(
              name = "message",
              topicName = "%MAESTRO_STREAM_TOPIC%",
              subscriptionName = "%MAESTRO_STREAM_SUBSCRIPTION%",
              connection = "MAESTRO_SERVICEBUS")
          String message,
      @BindingName("MessageId") String messageId,
      @DurableClientInput(name = "durableContext") DurableClientContext durableContext,
      ExecutionContext context) {
    accept(message, messageId, durableContext.getClient());
  }

  /** Processes one message; throws when it must be redelivered. */
  public StreamIngest.Outcome accept(String body, String messageId, DurableTaskClient client) {
    String id = messageId == null || messageId.isBlank() ? null : messageId;
    return ingest
        .apply(client)
        .accept(
            SOURCE,
            id == null ? "unknown" : id,
            clock.instant(),
            body,
            () -> StreamMessages.parse(body, id));
  }
}
