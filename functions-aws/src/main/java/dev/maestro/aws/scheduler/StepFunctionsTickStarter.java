package dev.maestro.aws.scheduler;

import dev.maestro.aws.client.AwsCallException;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.core.substrate.ScheduledWake;
import java.util.Objects;

/**
 * Starts the tick state machine (one Express execution per tick) for a wake, named by {@link
 * WakeDelivery#name(ScheduledWake)} with {@link WakeDelivery#input(ScheduledWake)} as its input.
 * {@code ExecutionAlreadyExists} means an execution for this very wake was already started, which
 * is what was asked for, so it is not an error.
 */
public final class StepFunctionsTickStarter implements TickStarter {

  private final StepFunctionsClient stepFunctions;
  private final String stateMachineArn;

  /** Starts executions of {@code stateMachineArn} through {@code stepFunctions}. */
  public StepFunctionsTickStarter(StepFunctionsClient stepFunctions, String stateMachineArn) {
    this.stepFunctions = Objects.requireNonNull(stepFunctions, "stepFunctions");
    this.stateMachineArn = Objects.requireNonNull(stateMachineArn, "stateMachineArn");
  }

  @Override
  public void start(ScheduledWake wake) {
    try {
      stepFunctions.startExecution(
          stateMachineArn, WakeDelivery.name(wake), WakeDelivery.input(wake));
    } catch (AwsCallException e) {
      if (!"ExecutionAlreadyExists".equals(e.errorCode())) throw e;
    }
  }
}
