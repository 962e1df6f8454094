package dev.maestro.azure.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.OrchestratorFunction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.wake.Wake;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Functions entry points: their names, and that they only hand over to the real code. */
class ContinuationFunctionsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void theFunctionNamesAreTheOnesTheOrchestrationCalls() {
    assertThat(
            Arrays.stream(ContinuationFunctions.class.getDeclaredMethods())
                .map(m -> m.getAnnotation(FunctionName.class))
                .filter(a -> a != null)
                .map(FunctionName::value))
        .containsExactlyInAnyOrder(
            ContinuationOrchestrator.NAME, ContinuationOrchestrator.TICK_ACTIVITY);
  }

  @Test
  void theOrchestratorFunctionRunsTheOrchestration() {
    OrchestratorFunction<String> viaFunction = new ContinuationFunctions(() -> null)::continuation;
    Wake start = Wake.timer("start", NOW);
    OrchestratorResponse response =
        DurableHistory.started(
                ContinuationOrchestrator.NAME,
                "c-1",
                NOW,
                OrchestrationInput.start("acme", "c-1", start).toJson())
            .run(viaFunction);
    assertThat(response.getActionsList())
        .singleElement()
        .extracting(OrchestratorAction::getScheduleTask)
        .satisfies(t -> assertThat(t.getName()).isEqualTo(ContinuationOrchestrator.TICK_ACTIVITY));
  }

  @Test
  void theTickActivityFunctionSpeaksJson() {
    Continuation spawned = Fixtures.spawned(Fixtures.tenant("acme"), NOW).continuation();
    var activities =
        new TickActivities(
            () -> {
              throw new AssertionError("no wake, so no delivery");
            },
            ref -> Optional.of(spawned),
            Clock.fixed(NOW, ZoneOffset.UTC));
    String out =
        new ContinuationFunctions(() -> activities)
            .tick(
                new TickActivityInput(spawned.tenant().value(), spawned.id().value(), null)
                    .toJson());
    assertThat(TickActivityResult.fromJson(out).status()).isEqualTo(spawned.status().name());
  }

  @Test
  void aHostBuiltInstanceWithoutConfigurationSaysWhatIsMissing() {
    assertThatThrownBy(() -> new ContinuationFunctions().tick("{}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MAESTRO_COSMOS_ENDPOINT");
  }
}
