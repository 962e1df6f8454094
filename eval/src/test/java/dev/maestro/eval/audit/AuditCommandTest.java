package dev.maestro.eval.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.security.Principal;
import dev.maestro.core.tick.Recipes;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code maestro audit export | verify} over a real embedded store. */
class AuditCommandTest {

  @TempDir Path dir;

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int rc = new CommandLine(new AuditCommand()).execute(args);
      return new Run(
          rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void anExportOfRealLogsVerifiesAndAnyEditIsCaught() throws Exception {
    try (LocalRuntime runtime =
        LocalRuntime.start(
            LocalConfig.defaults(dir),
            dev.maestro.core.substrate.Observability.NONE,
            Recipes.builtIn())) {
      for (String tenant : List.of("acme", "globex")) {
        var caller = new Principal(TenantId.of(tenant), "ops", Set.of());
        var goal =
            new GoalFrame(
                "audit me",
                null,
                null,
                null,
                null,
                BudgetLimits.ofUsd(BigDecimal.ONE, 1_000),
                null,
                null,
                null,
                null,
                "noop",
                null);
        var id = runtime.service().create(caller, goal, null).continuation().id();
        Instant deadline = Instant.now().plusSeconds(20);
        while (runtime.service().get(caller, id).continuation().status() != Status.COMPLETED
            && Instant.now().isBefore(deadline)) {
          Thread.sleep(20);
        }
      }
    }
    Path export = dir.resolve("audit.jsonl");

    Run exported = run("export", "--data-dir", dir.toString(), "--out", export.toString());
    assertThat(exported.rc()).as(exported.err()).isZero();
    assertThat(exported.err()).contains("of 2 continuations exported; last digest ");
    String digest = exported.err().strip().replaceAll("(?s).*last digest ", "");

    Run verified = run("verify", export.toString(), "--expect", digest);
    assertThat(verified.rc()).isZero();
    assertThat(verified.out()).startsWith("intact: ");

    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    lines.set(2, lines.get(2).replace("\"acme\"", "\"globex\""));
    Files.write(export, lines);
    Run tampered = run("verify", export.toString());
    assertThat(tampered.rc()).isEqualTo(1);
    assertThat(tampered.out()).contains("NOT intact", "line 3");

    Run acmeOnly = run("export", "--data-dir", dir.toString(), "--tenant", "acme");
    assertThat(acmeOnly.out())
        .contains("\"tenant\":\"acme\"")
        .doesNotContain("\"tenant\":\"globex\"");
  }

  @Test
  void missingInputsAreUsageErrors() {
    assertThat(run("verify", dir.resolve("nope.jsonl").toString()).rc()).isEqualTo(2);
    assertThat(run("export", "--data-dir", dir.resolve("empty").toString()).rc()).isEqualTo(2);
    assertThat(run("verify", "--help").rc()).isZero();
  }
}
