package dev.maestro.field.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.field.cli.IngestCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code maestro ingest --structured} end to end: validation first, then incremental ingest. */
class StructuredIngestCommandTest {

  @TempDir Path dir;

  record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int rc = new CommandLine(new IngestCommand()).execute(args);
      return new Run(
          rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void givenABadFile_whenIngested_thenExit2NamesLineAndFieldAndNothingIsWritten() throws Exception {
    Path index = dir.resolve("idx");
    Path bad =
        Files.writeString(dir.resolve("farms.jsonl"), "{\"id\":\"a\"}\n{\"country\":\"Kenya\"}\n");
    Path ragged = Files.writeString(dir.resolve("farms.csv"), "id,country\nke-1,Kenya,tea\n");

    Run r = run("--structured", bad.toString(), "--index", index.toString());
    Run c = run("--structured", ragged.toString(), "--index", index.toString());

    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err()).contains(bad + ":2: /id: the id is missing");
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err()).contains(ragged + ":2: has 3 cells, the header has 2");
    assertThat(index).doesNotExist();
  }

  @Test
  void givenAGoodTableTwice_whenIngested_thenTheSecondRunEmbedsNothing() throws Exception {
    Path index = dir.resolve("idx");
    Path csv =
        Files.writeString(
            dir.resolve("farms.csv"), "key,country,hectares\nke-1,Kenya,12\nug-1,Uganda,3.5\n");
    String[] args = {
      "--structured",
      csv.toString(),
      "--table",
      "farms",
      "--id-field",
      "key",
      "--index",
      index.toString(),
      "--json"
    };

    Run one = run(args);
    Run two = run(args);

    assertThat(one.rc()).as(one.err()).isZero();
    JsonNode a = Json.tree(one.out()), b = Json.tree(two.out());
    assertThat(a.path("added").asInt()).isEqualTo(2);
    assertThat(b.path("unchanged").asInt()).isEqualTo(2);
    assertThat(b.path("embedded").asInt()).isZero();
    assertThat(b.path("corpusVersion").asText()).isEqualTo(a.path("corpusVersion").asText());
    assertThat(one.err()).contains("ingest: farms: 2/2 records embedded");
  }

  @Test
  void givenBothInputsOrTableWithoutStructured_whenRun_thenItIsAUsageError() {
    assertThat(run().rc()).isEqualTo(2);
    assertThat(run("a", "--structured", "b.csv").rc()).isEqualTo(2);
    assertThat(run("docs", "--table", "t").rc()).isEqualTo(2);
    Run help = run("--help");
    assertThat(help.rc()).isZero();
    assertThat(help.out()).contains("--structured", "--table", "--id-field");
  }
}
