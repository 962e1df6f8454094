package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI as a user runs it: help everywhere, clear refusals, and the demo end to end. */
class MaestroCliTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "serve", "demo", "token", "events", "fork", "lineage", "doctor", "bench", "invoke"
      })
  void givenAnyCommand_whenAskedForHelp_thenItPrintsItsUsageAndSucceeds(String command) {
    CliRun r = CliRun.of(command, "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: maestro " + command).contains("--help");
  }

  @Test
  void givenNoCommand_whenRun_thenItListsTheCommands() {
    CliRun r = CliRun.of();

    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains(
            "serve", "demo", "token", "events", "fork", "lineage", "doctor", "bench", "invoke");
  }

  @Test
  void givenAnInvalidTenant_whenMintingAToken_thenItRefusesWithTheRule() {
    CliRun r = CliRun.of("token", "--tenant", "Not Valid", "--data-dir", dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--tenant");
  }

  @Test
  void givenAValidTenant_whenMintingAToken_thenItPrintsAJwt() {
    CliRun r = CliRun.of("token", "--tenant", "acme", "--data-dir", dir.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out().trim().split("\\.")).hasSize(3);
  }

  @Test
  void givenAMalformedId_whenListingEvents_thenItRefusesBeforeCallingTheApi() {
    CliRun r = CliRun.of("events", "not-an-id", "--tenant", "acme", "--data-dir", dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not a continuation id");
  }

  @Test
  void givenAHealthyMachine_whenDoctorRuns_thenEveryCheckIsReported() {
    CliRun r = CliRun.of("doctor", "--data-dir", dir.toString(), "--port", "0");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("JDK", "data directory", "embedded database", "SQLite", "Ready.");
  }

  @Test
  void givenAnUnknownBenchmark_whenRun_thenItSaysWhichExist() {
    CliRun r = CliRun.of("bench", "no-such-benchmark");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("No benchmark named 'no-such-benchmark'");
  }

  @Test
  void givenTheDemo_whenRun_thenTheLifecycleCompletesWithAVerifiedChain() {
    CliRun r = CliRun.of("demo", "--sleep", "PT0.5S", "--data-dir", dir.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(" spawn ", " wake ", " sleep ", " complete ")
        .contains("Status COMPLETED")
        .contains("hash chain verified");
  }
}
