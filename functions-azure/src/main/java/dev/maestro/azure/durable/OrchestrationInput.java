package dev.maestro.azure.durable;

import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import java.util.List;
import java.util.Objects;

/**
 * The input of one execution of a continuation's orchestration, and all that crosses a {@code
 * continueAsNew}: the continuation, the wakes still to deliver (in order), how many ticks an
 * execution runs before it continues as new, and how many executions came before this one.
 *
 * @param tenant the continuation's tenant
 * @param continuationId the continuation's id (also the orchestration's instance id)
 * @param pending wakes to deliver first, in order; empty starts with a tick that only reads the
 *     state
 * @param ticksPerExecution ticks per execution before {@code continueAsNew}; fixed at start so
 *     every replay of an execution continues as new at the same point
 * @param executions how many executions of this orchestration instance came before this one
 */
public record OrchestrationInput(
    String tenant,
    String continuationId,
    List<Wake> pending,
    int ticksPerExecution,
    long executions) {

  /** Ticks per execution when none is given: keeps each execution's history to some 150 events. */
  public static final int DEFAULT_TICKS_PER_EXECUTION = 20;

  public OrchestrationInput {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuationId");
    pending = pending == null ? List.of() : List.copyOf(pending);
    if (ticksPerExecution <= 0) ticksPerExecution = DEFAULT_TICKS_PER_EXECUTION;
    if (executions < 0) throw new IllegalArgumentException("executions must not be negative");
  }

  /** The input that starts a continuation's orchestration, delivering {@code firstWake} first. */
  public static OrchestrationInput start(String tenant, String continuationId, Wake firstWake) {
    return new OrchestrationInput(
        tenant,
        continuationId,
        firstWake == null ? List.of() : List.of(firstWake),
        DEFAULT_TICKS_PER_EXECUTION,
        0);
  }

  public String toJson() {
    return Json.write(this);
  }

  public static OrchestrationInput fromJson(String json) {
    return Json.read(json, OrchestrationInput.class);
  }
}
