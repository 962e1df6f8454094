package dev.maestro.aws.tick;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.maestro.aws.client.StepFunctionsClient;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.scheduler.StepFunctionsTickStarter;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.Observability;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The sweeper's function, the target of an EventBridge rule ({@code rate(1 minute)}); the event's
 * content is not used. With {@code MAESTRO_TICK_STATE_MACHINE_ARN} set, overdue wakes start tick
 * executions; without it, this function runs their ticks itself. Answers {@code {"due",
 * "delivered", "failed"}}.
 */
public final class WakeSweepHandler implements RequestStreamHandler {

  /** How long after its due time a pushed wake counts as missed. */
  public static final Duration PUSHED_GRACE = Duration.ofMinutes(2);

  private static final int LIMIT = 200;

  private static final class Container {
    static final WakeSweeper SWEEPER = fromRuntime(AwsRuntime.container(), System.getenv());
  }

  private final WakeSweeper sweeper;

  public WakeSweepHandler() {
    this(Container.SWEEPER);
  }

  public WakeSweepHandler(WakeSweeper sweeper) {
    this.sweeper = Objects.requireNonNull(sweeper, "sweeper");
  }

  static WakeSweeper fromRuntime(AwsRuntime runtime, Map<String, String> env) {
    String machine = env.get("MAESTRO_TICK_STATE_MACHINE_ARN");
    if (machine == null || machine.isBlank()) {
      return new WakeSweeper(
          runtime.ledger(),
          WakeSweeper.inProcess(runtime.tickEngine(Observability.NONE), runtime.ledger()),
          runtime.clock(),
          Duration.ZERO,
          LIMIT);
    }
    String region = AwsRuntime.requiredEnv("AWS_REGION", "the AWS region (set by Lambda)");
    var starter = new StepFunctionsTickStarter(StepFunctionsClient.create(region), machine);
    return new WakeSweeper(runtime.ledger(), starter::start, runtime.clock(), PUSHED_GRACE, LIMIT);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    Json.mapper().writeValue(output, sweeper.sweep());
  }
}
