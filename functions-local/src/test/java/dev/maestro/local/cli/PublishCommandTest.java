package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.local.runtime.LocalConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maestro publish}: a stream message sent to a running API. */
class PublishCommandTest {

  @TempDir Path dir;

  @Test
  void givenHelp_whenAsked_thenItPrintsItsUsage() {
    CliRun r = CliRun.of("publish", "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: maestro publish", "--data", "--id", "--tenant");
  }

  @Test
  void givenARunningServe_whenAMessageIsPublishedToAContinuation_thenItIsAcceptedWithOneWake() {
    try (LocalStack stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0)) {
      var caller = new Principal(TenantId.of("acme"), "alice", Set.of());
      ContinuationId id =
          stack
              .runtime
              .service()
              .create(
                  caller,
                  GoalFrame.of(
                      "publish test",
                      BudgetLimits.ofUsd(BigDecimal.ONE, 0),
                      "noop",
                      JsonNodeFactory.instance.objectNode().put("sleep", "PT1H")),
                  null)
              .continuation()
              .id();

      CliRun r =
          CliRun.of(
              "publish",
              "papers",
              "--data",
              "{\"kind\":\"paper\"}",
              "--id",
              "m-1",
              "--continuation",
              id.value(),
              "--tenant",
              "acme",
              "--url",
              stack.baseUrl(),
              "--data-dir",
              dir.toString());

      assertThat(r.exit()).as(r.err()).isZero();
      var json = Json.tree(r.out());
      assertThat(json.path("wakes").asInt()).isEqualTo(1);
      assertThat(json.path("wake_id").asText()).isEqualTo(StreamMessage.wakeId("papers", "m-1"));
    }
  }

  @Test
  void givenARunningServe_whenTheBodyIsNotAnObject_thenItRefusesWithExit2() {
    CliRun r =
        CliRun.of(
            "publish", "papers", "--data", "[1]", "--tenant", "acme", "--data-dir", dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--data");
  }

  @Test
  void givenNoServe_whenPublishing_thenItSaysTheApiIsUnreachable() {
    CliRun r =
        CliRun.of(
            "publish",
            "papers",
            "--data",
            "{}",
            "--tenant",
            "acme",
            "--url",
            "http://127.0.0.1:9",
            "--data-dir",
            dir.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach");
  }
}
