package dev.maestro.field.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and validating table files: every problem names the file, the line and the field. */
class StructuredReaderTest {

  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private StructuredInputException problem(Path file) {
    return catchThrowableOfType(
        StructuredInputException.class, () -> StructuredReader.read(file, null, "id"));
  }

  @Test
  void givenJsonLines_whenRead_thenFieldsAreTypedAndTheTableIsTheFileName() throws Exception {
    Path f =
        file(
            "farms.jsonl",
            """
            {"id":"ke-1","country":"Kenya","hectares":12,"yield":1.5,"organic":true,"crops":["tea","maize"],"note":null}

            {"id":7,"country":"Uganda"}
            """);

    List<StructuredRecord> got = StructuredReader.read(f, null, "id");

    assertThat(got).hasSize(2);
    StructuredRecord a = got.get(0);
    assertThat(a.table()).isEqualTo("farms");
    assertThat(a.id()).isEqualTo("ke-1");
    assertThat(a.line()).isEqualTo(1);
    assertThat(a.fields())
        .containsEntry("hectares", 12L)
        .containsEntry("yield", 1.5)
        .containsEntry("organic", true)
        .containsEntry("crops", List.of("tea", "maize"))
        .doesNotContainKey("note");
    assertThat(a.rendered())
        .isEqualTo(
            "table: farms; id: ke-1; country: Kenya; hectares: 12; yield: 1.5; organic: true;"
                + " crops: tea, maize");
    assertThat(got.get(1).id()).isEqualTo("7");
    assertThat(got.get(1).line()).isEqualTo(3);
  }

  @Test
  void givenABadJsonLine_whenRead_thenTheErrorNamesTheLine() throws Exception {
    Path f = file("t.jsonl", "{\"id\":\"a\"}\n{\"id\":\"b\",\n");

    StructuredInputException e = problem(f);

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith(f + ":2: not valid JSON");
  }

  @Test
  void givenARecordWithoutAnId_whenRead_thenTheErrorNamesTheLineAndTheIdField() throws Exception {
    Path f = file("t.jsonl", "{\"id\":\"a\"}\n{\"name\":\"b\"}\n");

    StructuredInputException e = problem(f);

    assertThat(e.line()).isEqualTo(2);
    assertThat(e.pointer()).isEqualTo("/id");
    assertThat(e.getMessage()).isEqualTo(f + ":2: /id: the id is missing");
    assertThat(
            catchThrowableOfType(
                    StructuredInputException.class, () -> StructuredReader.read(f, null, "key"))
                .pointer())
        .isEqualTo("/key");
  }

  @Test
  void givenANestedObjectOrANonObjectLine_whenRead_thenTheErrorNamesTheField() throws Exception {
    StructuredInputException nested =
        problem(file("n.jsonl", "{\"id\":\"a\",\"address\":{\"city\":\"Nairobi\"}}\n"));
    StructuredInputException array = problem(file("a.jsonl", "[1,2]\n"));

    assertThat(nested.pointer()).isEqualTo("/address");
    assertThat(nested.getMessage()).contains("nested objects are not supported");
    assertThat(array.line()).isEqualTo(1);
    assertThat(array.getMessage()).endsWith("must be a JSON object");
  }

  @Test
  void givenDuplicateIds_whenRead_thenTheSecondLineIsNamedWithTheFirst() throws Exception {
    StructuredInputException e =
        problem(file("d.csv", "id,country\nke-1,Kenya\nug-1,Uganda\nke-1,Kenya\n"));

    assertThat(e.line()).isEqualTo(4);
    assertThat(e.getMessage()).contains("duplicate id 'ke-1' (first on line 2)");
  }

  @Test
  void givenACsvWithARaggedRow_whenRead_thenTheErrorNamesTheLineAndTheCounts() throws Exception {
    Path f = file("r.csv", "id,country,hectares\nke-1,Kenya,12\nug-1,Uganda\n");

    StructuredInputException e = problem(f);

    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo(f + ":3: has 2 cells, the header has 3 (a ragged row)");
  }

  @Test
  void givenACsvWithoutTheIdColumnOrWithABadQuote_whenRead_thenTheErrorIsNamed() throws Exception {
    assertThat(problem(file("h.csv", "key,country\nke-1,Kenya\n")).pointer()).isEqualTo("/id");
    assertThat(problem(file("q.csv", "id,note\nke-1,\"open\n")).getMessage())
        .contains(":2: cell 2: unterminated quote");
    assertThat(problem(file("e.csv", "id,country\n")).getMessage()).endsWith("holds no records");
    assertThat(problem(file("x.txt", "id\n1\n")).getMessage()).contains("unknown table format");
  }

  @Test
  void givenACsv_whenRead_thenCellsAreUnquotedAndTyped() throws Exception {
    Path f =
        file(
            "farms.csv",
            "\uFEFFid,country,hectares,yield,organic,note,zip\n"
                + "ke-1,Kenya,12,1.5,TRUE,\"tea, \"\"purple\"\" tea\",00100\n"
                + "ug-1,Uganda,,2e1,false,,\n");

    List<StructuredRecord> got = StructuredReader.read(f, "farms_v2", "id");

    assertThat(got.get(0).table()).isEqualTo("farms_v2");
    assertThat(got.get(0).fields())
        .containsEntry("hectares", 12L)
        .containsEntry("yield", 1.5)
        .containsEntry("organic", true)
        .containsEntry("note", "tea, \"purple\" tea")
        .containsEntry("zip", "00100");
    assertThat(got.get(1).fields())
        .containsOnlyKeys("id", "country", "yield", "organic")
        .containsEntry("yield", 20.0)
        .containsEntry("organic", false);
  }

  @Test
  void givenTheShippedTable_whenRead_thenEveryLicenceIsARecord(@TempDir Path tmp) {
    List<StructuredRecord> got = StructuredReader.read(ShippedTable.writeTo(tmp), null, "id");

    assertThat(got).hasSize(727);
    assertThat(got.getFirst().table()).isEqualTo(ShippedTable.TABLE);
    assertThat(got)
        .filteredOn(r -> r.id().equals("MIT"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.fields())
                    .containsEntry("name", "MIT License")
                    .containsEntry("osi_approved", true));
  }

  @Property(tries = 200)
  void anyCellsQuotedTheCsvWay_areReadBackAsTheyWere(
      @ForAll @Size(min = 1, max = 6) List<@StringLength(max = 12) String> cells) {
    List<String> clean = new ArrayList<>();
    for (String c : cells) clean.add(c.replace('\n', ' ').replace('\r', ' '));
    var line = new StringBuilder();
    for (String c : clean)
      line.append(line.isEmpty() ? "" : ",")
          .append('"')
          .append(c.replace("\"", "\"\""))
          .append('"');

    assertThat(StructuredReader.cells(Path.of("p.csv"), 1, line.toString())).isEqualTo(clean);
  }

  @Test
  void givenABadTableName_whenRead_thenItIsRefusedBeforeReading() {
    assertThatThrownBy(() -> StructuredReader.read(dir.resolve("t.csv"), "bad name", "id"))
        .isInstanceOf(StructuredInputException.class)
        .hasMessageContaining("--table");
  }
}
