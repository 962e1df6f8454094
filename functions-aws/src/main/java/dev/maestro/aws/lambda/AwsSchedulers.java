package dev.maestro.aws.lambda;

import dev.maestro.aws.client.SchedulerClient;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.aws.scheduler.CloudScheduler;
import dev.maestro.aws.scheduler.CloudSchedulerConfig;
import dev.maestro.aws.scheduler.StepFunctionsTickStarter;
import dev.maestro.core.substrate.Scheduler;
import dev.maestro.core.substrate.TimerQueue;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * Chooses how wakes are delivered on AWS, from the environment: with {@code
 * MAESTRO_TICK_STATE_MACHINE_ARN} set, by EventBridge Scheduler schedules and tick executions
 * ({@link CloudScheduler}, configured by {@link CloudSchedulerConfig#fromEnv}); without it, the
 * timer ledger alone, whose due wakes the sweeper finds and starts.
 */
final class AwsSchedulers {

  private AwsSchedulers() {}

  static Function<TimerQueue, Scheduler> fromEnvironment(Map<String, String> env) {
    String machine = env.get("MAESTRO_TICK_STATE_MACHINE_ARN");
    if (machine == null || machine.isBlank()) return ledger -> ledger;
    CloudSchedulerConfig config = CloudSchedulerConfig.fromEnv(env);
    String region = AwsRuntime.required(env, "AWS_REGION", "the AWS region (set by Lambda)");
    return ledger ->
        new CloudScheduler(
            ledger,
            SchedulerClient.create(region),
            new StepFunctionsTickStarter(
                StepFunctionsClient.create(region), config.tickStateMachineArn()),
            config,
            Clock.systemUTC());
  }
}
