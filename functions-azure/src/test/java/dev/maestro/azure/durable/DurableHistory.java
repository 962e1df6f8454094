package dev.maestro.azure.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.EventRaisedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.ExecutionStartedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestrationInstance;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorStartedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskCompletedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskFailedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskFailureDetails;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskScheduledEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TimerCreatedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TimerFiredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the Durable Task backend for one orchestration instance: keeps its history as the SDK's
 * protobuf events, runs an episode through {@link OrchestrationRunner#loadAndRun(byte[],
 * OrchestratorFunction)} (the SDK's real replay) and records the actions it returns as the history
 * events a backend would write (TaskScheduled, TimerCreated), with the action id as event id.
 *
 * <p>Payloads are what the SDK's data converter writes: a String value is a JSON string literal.
 */
final class DurableHistory {

  /** The SDK's converter encodes values as JSON; an equivalent mapper for test payloads. */
  private static final ObjectMapper SDK_JSON = new ObjectMapper();

  private final String instanceId;
  private final List<HistoryEvent> past = new ArrayList<>();
  private final List<HistoryEvent> fresh = new ArrayList<>();
  private final Map<Integer, Instant> timers = new HashMap<>();
  private int nextEventId = 10_000; // ids of events that no action names (EventRaised, ...)

  private DurableHistory(String instanceId) {
    this.instanceId = instanceId;
  }

  /**
   * A new instance started at {@code at} with {@code inputJson} (a String input, as starters pass).
   */
  static DurableHistory started(String name, String instanceId, Instant at, String inputJson) {
    DurableHistory h = new DurableHistory(instanceId);
    h.fresh.add(orchestratorStarted(at));
    h.fresh.add(
        event(at)
            .setExecutionStarted(
                ExecutionStartedEvent.newBuilder()
                    .setName(name)
                    .setInput(StringValue.of(sdkJson(inputJson)))
                    .setOrchestrationInstance(
                        OrchestrationInstance.newBuilder()
                            .setInstanceId(instanceId)
                            .setExecutionId(StringValue.of("exec-1"))))
            .build());
    return h;
  }

  /** Starts a new episode at {@code at} (the backend's OrchestratorStarted). */
  DurableHistory episode(Instant at) {
    fresh.add(orchestratorStarted(at));
    return this;
  }

  /** The activity scheduled as action {@code taskId} returned {@code resultJson} (a String). */
  DurableHistory taskCompleted(int taskId, String resultJson, Instant at) {
    fresh.add(
        event(at)
            .setTaskCompleted(
                TaskCompletedEvent.newBuilder()
                    .setTaskScheduledId(taskId)
                    .setResult(StringValue.of(sdkJson(resultJson))))
            .build());
    return this;
  }

  /** The activity scheduled as action {@code taskId} failed. */
  DurableHistory taskFailed(int taskId, Instant at) {
    fresh.add(
        event(at)
            .setTaskFailed(
                TaskFailedEvent.newBuilder()
                    .setTaskScheduledId(taskId)
                    .setFailureDetails(
                        TaskFailureDetails.newBuilder()
                            .setErrorType("java.io.UncheckedIOException")
                            .setErrorMessage("store unavailable")))
            .build());
    return this;
  }

  /** The timer created as action {@code timerId} fired, a second after its due time. */
  DurableHistory timerFired(int timerId) {
    Instant fireAt = timers.get(timerId);
    if (fireAt == null) throw new IllegalStateException("no timer " + timerId);
    fresh.add(
        event(fireAt.plusSeconds(1))
            .setTimerFired(
                TimerFiredEvent.newBuilder().setTimerId(timerId).setFireAt(timestamp(fireAt)))
            .build());
    return this;
  }

  /** An external event {@code name} raised with {@code rawJson} as its data, exactly as given. */
  DurableHistory eventRaised(String name, String rawJson, Instant at) {
    fresh.add(
        event(at)
            .setEventId(nextEventId++)
            .setEventRaised(
                EventRaisedEvent.newBuilder().setName(name).setInput(StringValue.of(rawJson)))
            .build());
    return this;
  }

  /** The request the backend would send now: all past events, and the new ones. */
  byte[] request() {
    return OrchestratorRequest.newBuilder()
        .setInstanceId(instanceId)
        .addAllPastEvents(past)
        .addAllNewEvents(fresh)
        .build()
        .toByteArray();
  }

  /**
   * Runs the orchestrator over the history, then moves the new events to the past and records the
   * returned actions as history, as the backend does.
   */
  OrchestratorResponse run(OrchestratorFunction<?> orchestrator) {
    OrchestratorResponse response = decode(OrchestrationRunner.loadAndRun(request(), orchestrator));
    past.addAll(fresh);
    fresh.clear();
    Instant now = latestTimestamp();
    for (OrchestratorAction action : response.getActionsList()) {
      if (action.hasScheduleTask()) {
        past.add(
            event(now)
                .setEventId(action.getId())
                .setTaskScheduled(
                    TaskScheduledEvent.newBuilder()
                        .setName(action.getScheduleTask().getName())
                        .setInput(action.getScheduleTask().getInput()))
                .build());
      } else if (action.hasCreateTimer()) {
        Timestamp fireAt = action.getCreateTimer().getFireAt();
        timers.put(action.getId(), Instant.ofEpochSecond(fireAt.getSeconds(), fireAt.getNanos()));
        past.add(
            event(now)
                .setEventId(action.getId())
                .setTimerCreated(TimerCreatedEvent.newBuilder().setFireAt(fireAt))
                .build());
      }
    }
    return response;
  }

  static OrchestratorResponse decode(byte[] bytes) {
    try {
      return OrchestratorResponse.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code value} as the SDK's converter writes a String: a JSON string literal. */
  static String sdkJson(String value) {
    try {
      return SDK_JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The String the SDK's converter wrote as {@code json} (a JSON string literal). */
  static String fromSdkJson(String json) {
    try {
      return SDK_JSON.readValue(json, String.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private Instant latestTimestamp() {
    Instant latest = Instant.EPOCH;
    for (HistoryEvent e : past) {
      if (e.hasOrchestratorStarted()) latest = instant(e.getTimestamp());
    }
    return latest;
  }

  private static HistoryEvent orchestratorStarted(Instant at) {
    return event(at).setOrchestratorStarted(OrchestratorStartedEvent.newBuilder()).build();
  }

  private static HistoryEvent.Builder event(Instant at) {
    return HistoryEvent.newBuilder().setEventId(-1).setTimestamp(timestamp(at));
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
