package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.security.Principal;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded runtime end to end: the dispatcher fires the timers, the engine runs the ticks. */
class LocalRuntimeTest {

  private static final Principal CALLER = new Principal(TenantId.of("acme"), "alice", Set.of());

  @TempDir Path dir;

  private static GoalFrame noop(String sleep) {
    return GoalFrame.of(
        "runtime test",
        BudgetLimits.ofUsd(BigDecimal.ONE, 0),
        "noop",
        JsonNodeFactory.instance.objectNode().put("sleep", sleep));
  }

  @Test
  void givenManyContinuations_whenCreated_thenEveryOneCompletesOnItsOwn() {
    try (LocalRuntime runtime = LocalRuntime.start(LocalConfig.defaults(dir))) {
      List<ContinuationId> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ids.add(runtime.service().create(CALLER, noop("PT0.2S"), null).continuation().id());
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(ids)
                      .allSatisfy(
                          id ->
                              assertThat(runtime.service().get(CALLER, id).continuation().status())
                                  .isEqualTo(Status.COMPLETED)));
    }
  }

  @Test
  void givenAContinuationAsleepWhenTheRuntimeStops_whenItRestarts_thenTheTimerStillFires() {
    ContinuationId id;
    try (LocalRuntime runtime = LocalRuntime.start(LocalConfig.defaults(dir))) {
      id = runtime.service().create(CALLER, noop("PT1S"), null).continuation().id();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> runtime.service().get(CALLER, id).continuation().status() == Status.SLEEPING);
    }

    try (LocalRuntime restarted = LocalRuntime.start(LocalConfig.defaults(dir))) {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  restarted.service().get(CALLER, id).continuation().status() == Status.COMPLETED);
    }
  }

  @Test
  void givenASleepingContinuation_whenKilled_thenItStopsPromptly() {
    try (LocalRuntime runtime = LocalRuntime.start(LocalConfig.defaults(dir))) {
      ContinuationId id = runtime.service().create(CALLER, noop("PT1H"), null).continuation().id();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> runtime.service().get(CALLER, id).continuation().status() == Status.SLEEPING);

      runtime.service().kill(CALLER, id, "no longer needed", null);

      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> runtime.service().get(CALLER, id).continuation().status() == Status.KILLED);
    }
  }
}
