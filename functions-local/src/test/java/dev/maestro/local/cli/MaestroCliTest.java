package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI as a user runs it: help everywhere, clear refusals, and the demo end to end. */
class MaestroCliTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    var outBytes = new ByteArrayOutputStream();
    var errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int exit = MaestroCli.run(args);
      return new Run(
          exit,
          outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "demo", "token", "events", "doctor", "bench", "invoke"})
  void givenAnyCommand_whenAskedForHelp_thenItPrintsItsUsageAndSucceeds(String command) {
    Run r = run(command, "--help");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: maestro " + command).contains("--help");
  }

  @Test
  void givenNoCommand_whenRun_thenItListsTheCommands() {
    Run r = run();

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("serve", "demo", "token", "events", "doctor", "bench", "invoke");
  }

  @Test
  void givenAnInvalidTenant_whenMintingAToken_thenItRefusesWithTheRule() {
    Run r = run("token", "--tenant", "Not Valid", "--data-dir", dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--tenant");
  }

  @Test
  void givenAValidTenant_whenMintingAToken_thenItPrintsAJwt() {
    Run r = run("token", "--tenant", "acme", "--data-dir", dir.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out().trim().split("\\.")).hasSize(3);
  }

  @Test
  void givenAMalformedId_whenListingEvents_thenItRefusesBeforeCallingTheApi() {
    Run r = run("events", "not-an-id", "--tenant", "acme", "--data-dir", dir.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not a continuation id");
  }

  @Test
  void givenAHealthyMachine_whenDoctorRuns_thenEveryCheckIsReported() {
    Run r = run("doctor", "--data-dir", dir.toString(), "--port", "0");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("JDK", "data directory", "embedded database", "SQLite", "Ready.");
  }

  @Test
  void givenAnUnknownBenchmark_whenRun_thenItSaysWhichExist() {
    Run r = run("bench", "no-such-benchmark");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("No benchmark named 'no-such-benchmark'");
  }

  @Test
  void givenTheDemo_whenRun_thenTheLifecycleCompletesWithAVerifiedChain() {
    Run r = run("demo", "--sleep", "PT0.5S", "--data-dir", dir.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(" spawn ", " wake ", " sleep ", " complete ")
        .contains("Status COMPLETED")
        .contains("hash chain verified");
  }
}
