package dev.maestro.eval.brief;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.brief.EvidenceBrief;
import dev.maestro.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code maestro brief} end to end on a fresh data directory: the shipped licence corpus is
 * ingested with the real embedder, the brief runs offline on the embedded runtime, and every claim
 * cites a chunk of a shipped document.
 */
class BriefCommandTest {

  @TempDir Path dir;

  @Test
  void givenAFreshDataDirectory_whenABriefIsAskedAndApproved_thenEveryClaimCitesTheShippedCorpus()
      throws Exception {
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int rc;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      rc =
          new CommandLine(new BriefCommand())
              .execute(
                  "What must a distributor of a modified program under the GNU General Public"
                      + " License do?",
                  "--data-dir",
                  dir.toString(),
                  "--approve",
                  "--json",
                  "--sub-questions",
                  "2",
                  "--out",
                  dir.resolve("brief.md").toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String progress = stderr.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(progress).isZero();
    assertThat(progress)
        .contains("ingesting the shipped corpus", "model_call", "awaiting approval", "publish");

    JsonNode result = Json.tree(stdout.toString(StandardCharsets.UTF_8));
    EvidenceBrief brief = Json.convert(result, EvidenceBrief.class);
    assertThat(brief.approvedBy()).isEqualTo("cli");
    assertThat(brief.sections()).hasSize(2);
    assertThat(brief.claims()).isNotEmpty();
    assertThat(brief.sources())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(String.join(" ", s.provenance())).contains(".txt"));
    var ids = brief.sources().stream().map(s -> s.id()).toList();
    assertThat(brief.claims()).allSatisfy(c -> assertThat(ids).containsAll(c.citations()));
    assertThat(brief.cost().listPriceUsd())
        .isPositive()
        .isLessThan(new java.math.BigDecimal("0.50"));
    assertThat(Files.readString(dir.resolve("brief.md"))).contains("## Sources", "Approved by cli");
  }

  @Test
  void aBlankQuestionIsRefusedWithExitCode2() {
    PrintStream oldErr = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      rc = new CommandLine(new BriefCommand()).execute(" ", "--data-dir", dir.toString());
    } finally {
      System.setErr(oldErr);
    }
    assertThat(rc).isEqualTo(2);
    assertThat(dir.resolve("maestro.db")).doesNotExist();
  }
}
