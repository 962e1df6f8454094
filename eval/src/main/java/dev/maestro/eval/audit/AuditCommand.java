package dev.maestro.eval.audit;

import dev.maestro.core.audit.AuditExport;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.eval.policy.LocalLogs;
import dev.maestro.local.cli.CommandProvider;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maestro audit}: a hash-chained export of the embedded store's event logs, and its
 * verification (BRIEF §12).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Exports event logs as a hash-chained audit file, and verifies one.",
    subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {

  /** For picocli and the service loader. */
  public AuditCommand() {}

  @Override
  public void run() {
    System.err.println("audit: name a subcommand: export or verify (see --help)");
  }

  /** Contributes {@code maestro audit} to the command line. */
  public static final class Provider implements CommandProvider {
    @Override
    public Object command() {
      return new AuditCommand();
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Writes every event of the data directory's logs (or one tenant's) as JSON Lines, each",
        "record chained to the one before by SHA-256; prints the last digest to keep elsewhere."
      })
  static final class Export implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory.")
    Path dataDir;

    @Option(names = "--tenant", description = "Export only this tenant's logs.")
    String tenant;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write the export here (default: standard output).")
    Path out;

    @Override
    public Integer call() throws IOException {
      Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
      Path db;
      try {
        db = LocalLogs.database(dir);
      } catch (IllegalArgumentException missing) {
        System.err.println("audit: " + missing.getMessage());
        return 2;
      }
      List<ContinuationRef> refs = new ArrayList<>(LocalLogs.continuations(db));
      if (tenant != null) refs.removeIf(r -> !r.tenant().value().equals(tenant));
      try (SqliteSubstrate store = SqliteSubstrate.open(db);
          Writer writer =
              out == null
                  ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                  : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        Iterable<EventEnvelope> events =
            () ->
                refs.stream()
                    .flatMap(r -> LocalLogs.events(store.substrate().events(), r).stream())
                    .iterator();
        AuditExport.Written written =
            AuditExport.write(
                events,
                tenant == null ? "all tenants" : "tenant " + tenant,
                Clock.systemUTC().instant(),
                writer);
        System.err.printf(
            "audit: %d events of %d continuations exported; last digest %s%n",
            written.events(), refs.size(), written.lastDigest());
      }
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks an audit export: the record chain, the trailer, and every event's own hash and",
        "link to the event before it. Exit 0 when intact, 1 when anything was altered, dropped,",
        "repeated, reordered or cut."
      })
  static final class Verify implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "EXPORT", description = "The export file.")
    Path export;

    @Option(
        names = "--expect",
        paramLabel = "DIGEST",
        description = "The last digest recorded at export time; the export must end with it.")
    String expect;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(export)) {
        System.err.println("audit: no such file: " + export);
        return 2;
      }
      AuditExport.Report report;
      try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
        report = AuditExport.verify(in, expect);
      }
      if (report.intact()) {
        System.out.printf(
            "intact: %d events; last digest %s%n", report.events(), report.lastDigest());
        return 0;
      }
      System.out.printf("NOT intact: %d problem(s)%n", report.problems().size());
      report.problems().forEach(p -> System.out.println("  " + p));
      return 1;
    }
  }
}
