package dev.maestro.eval.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.local.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maestro chaos} through the CLI: figures as JSON, a replayable seed, usage errors. */
class ChaosCommandTest {

  @TempDir Path dir;

  @Test
  void givenTwoSchedules_whenRunAsJson_thenTheFiguresShowFaultsAndNoViolation() throws Exception {
    CliRun run =
        CliRun.of("chaos", "--schedules", "2", "--seed", "7", "--json", "--dir", dir.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonNode figures = Json.mapper().readTree(run.out());
    assertThat(figures.path("schedules").asInt()).isEqualTo(2);
    assertThat(figures.path("seed").asLong()).isEqualTo(7);
    assertThat(figures.path("violations").asLong()).isZero();
    assertThat(figures.path("ticks").asLong()).isPositive();
    assertThat(figures.path("events_checked").asLong()).isPositive();
    assertThat(figures.path("faults_total").asLong()).isPositive();
    assertThat(figures.path("failing_seeds").isArray()).isTrue();
    assertThat(figures.path("wall_ms").isNumber()).isTrue();
  }

  @Test
  void givenNoSchedules_whenRun_thenItIsAUsageError() {
    CliRun run = CliRun.of("chaos", "--schedules", "0", "--dir", dir.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--schedules");
  }

  @Test
  void givenHelp_whenAsked_thenTheFaultsAndTheReplayAreDescribed() {
    CliRun run = CliRun.of("chaos", "--help");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--seed", "--schedules", "--json", "lease expiry");
  }
}
