package dev.maestro.azure.functions;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import com.microsoft.durabletask.PurgeResult;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Durable client that records what the functions ask of the Durable Task backend, in its client
 * API: no host or backend runs in the tests. Started orchestrations and raised events are kept in
 * call order; everything else the functions never call throws.
 */
public final class RecordingDurableClient extends DurableTaskClient {
  public final List<NewOrchestrationInstanceOptions> started = new ArrayList<>();
  public final List<String> startedNames = new ArrayList<>();
  public final List<Map<String, String>> raised = new ArrayList<>();

  @Override
  public String scheduleNewOrchestrationInstance(
      String name, NewOrchestrationInstanceOptions options) {
    startedNames.add(name);
    started.add(options);
    return options.getInstanceId();
  }

  /** When set, {@link #raiseEvent} throws it: a Durable Task backend that is unavailable. */
  public volatile RuntimeException raiseFailure;

  /** A Durable client binding's context handing out this client. */
  public DurableClientContext context() {
    DurableTaskClient client = this;
    return new DurableClientContext() {
      @Override
      public DurableTaskClient getClient() {
        return client;
      }
    };
  }

  @Override
  public void raiseEvent(String instanceId, String eventName, Object payload) {
    if (raiseFailure != null) throw raiseFailure;
    raised.add(Map.of("instance", instanceId, "event", eventName, "payload", (String) payload));
  }

  @Override
  public OrchestrationMetadata getInstanceMetadata(String instanceId, boolean inputs) {
    throw new UnsupportedOperationException("not used by the functions");
  }

  @Override
  public OrchestrationMetadata waitForInstanceStart(String id, Duration t, boolean inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public OrchestrationMetadata waitForInstanceCompletion(String id, Duration t, boolean inputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void terminate(String instanceId, Object output) {
    throw new UnsupportedOperationException();
  }

  @Override
  public OrchestrationStatusQueryResult queryInstances(OrchestrationStatusQuery query) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void createTaskHub(boolean recreateIfExists) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deleteTaskHub() {
    throw new UnsupportedOperationException();
  }

  @Override
  public PurgeResult purgeInstance(String instanceId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PurgeResult purgeInstances(PurgeInstanceCriteria criteria) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String restartInstance(String instanceId, boolean restartWithNewInstanceId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void suspendInstance(String instanceId, String reason) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void resumeInstance(String instanceId, String reason) {
    throw new UnsupportedOperationException();
  }
}
