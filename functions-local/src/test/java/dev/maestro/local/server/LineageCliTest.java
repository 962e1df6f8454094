package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.local.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maestro fork} and {@code maestro lineage} against a running API on the SQLite store. */
class LineageCliTest {

  @TempDir Path dir;
  ApiHarness api;

  @BeforeEach
  void start() {
    api = ApiHarness.start(dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenARunningApi_whenForkedFromThePastAndQueried_thenTheChildAndItsEdgeArePrinted() {
    String parent =
        api.create(
            "acme",
            "{\"objective\":\"cli fork\",\"budget\":{\"maxUsd\":1},"
                + "\"parameters\":{\"sleep\":\"PT1H\"}}");
    api.runDueTicks();

    CliRun fork =
        CliRun.of(
            "fork",
            parent,
            "--tenant",
            "acme",
            "--at",
            "1",
            "--budget",
            "0.25",
            "--url",
            api.server.baseUri().toString(),
            "--data-dir",
            dir.toString());
    CliRun lineage =
        CliRun.of(
            "lineage",
            parent,
            "--tenant",
            "acme",
            "--url",
            api.server.baseUri().toString(),
            "--data-dir",
            dir.toString());

    assertThat(fork.exit()).as(fork.err()).isZero();
    String child = fork.out().strip();
    assertThat(ContinuationId.isValid(child)).as(child).isTrue();
    assertThat(lineage.exit()).as(lineage.err()).isZero();
    assertThat(lineage.out())
        .contains("self " + parent + " SLEEPING root")
        .contains("descendant " + child + " CREATED fork from " + parent + "#1");
  }

  @Test
  void givenACarveBeyondTheParentsBudget_whenForked_thenTheCliFailsWithTheProblem() {
    String parent = api.create("acme", "{\"objective\":\"cli fork\",\"budget\":{\"maxUsd\":1}}");

    CliRun fork =
        CliRun.of(
            "fork",
            parent,
            "--tenant",
            "acme",
            "--budget",
            "5",
            "--url",
            api.server.baseUri().toString(),
            "--data-dir",
            dir.toString());

    assertThat(fork.exit()).isEqualTo(1);
    assertThat(fork.err()).contains("HTTP 400").contains("/budget/maxUsd");
  }
}
