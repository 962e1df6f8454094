package dev.maestro.azure.durable;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.TaskOrchestrationContext;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableOrchestrationTrigger;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Azure Functions entry points of a continuation's orchestration: thin wrappers that hand the
 * trigger's data to {@link ContinuationOrchestrator} and {@link TickActivities}. The Functions host
 * builds this class with its no-argument constructor, which takes the activities from the app's
 * runtime ({@link dev.maestro.azure.functions.AzureRuntime#container()}).
 *
 * <p>The activity's input and output are JSON strings ({@link TickActivityInput}, {@link
 * TickActivityResult}), read and written with the core's mapper, so neither the Durable SDK's nor
 * the Functions worker's JSON settings decide how a wake or an instant is encoded.
 */
public final class ContinuationFunctions {

  private final ContinuationOrchestrator orchestrator = new ContinuationOrchestrator();
  private final Supplier<TickActivities> activities;

  /** Used by the Functions host: the activities come from the app's runtime. */
  public ContinuationFunctions() {
    this(() -> dev.maestro.azure.functions.AzureRuntime.container().tickActivities());
  }

  /** For callers that wire the activities themselves (tests, other hosts). */
  public ContinuationFunctions(Supplier<TickActivities> activities) {
    this.activities = Objects.requireNonNull(activities, "activities");
  }

  /** The orchestrator function: one instance per continuation, instance id = continuation id. */
  @FunctionName(ContinuationOrchestrator.NAME)
  public String continuation(
      @DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
    return orchestrator.apply(ctx);
  }

  /** The {@code tick} activity: delivers one wake and reports what the continuation waits for. */
  @FunctionName(ContinuationOrchestrator.TICK_ACTIVITY)
  public String tick(@DurableActivityTrigger(name = "input") String input) {
    return activities.get().tickJson(input);
  }
}
