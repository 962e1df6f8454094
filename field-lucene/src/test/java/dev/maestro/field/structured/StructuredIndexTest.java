package dev.maestro.field.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.field.Channel;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.field.LuceneFieldSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structured index and channel over the shipped SPDX table and a small hand-written table:
 * exact matches before text matches, incremental ingest, reopening, discovery, interruption.
 */
class StructuredIndexTest {

  static final String FARMS =
      """
      id,country,crop,notes
      ke-1,Kenya,tea,highland estate near Kericho
      ug-1,Uganda,coffee,coffee sold to Kenya buyers; Kenya coffee auction; shipped via Kenya
      tz-1,Tanzania,coffee,Kilimanjaro slopes
      """;

  @TempDir static Path dir;
  static Path table;
  static StructuredIngestReport first;

  @BeforeAll
  static void ingestTheShippedTable() {
    table = ShippedTable.writeTo(dir.resolve("in"));
    try (var index = StructuredIndex.open(dir.resolve("shared"), Embedders.get())) {
      first = index.ingest(StructuredReader.read(table, null, "id"), false, null);
    }
  }

  static FieldQuery query(String goal) {
    return FieldQuery.of(
        TenantId.of("acme"),
        ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057"),
        goal,
        50,
        Instant.parse("2026-03-01T12:00:00Z"));
  }

  private static Path farms(Path at) throws Exception {
    Files.createDirectories(at);
    return Files.writeString(at.resolve("farms.csv"), FARMS);
  }

  @Test
  void givenTheShippedTable_whenIngested_thenEveryRecordIsEmbeddedOnce() {
    assertThat(first.table()).isEqualTo(ShippedTable.TABLE);
    assertThat(first.added()).isEqualTo(727);
    assertThat(first.embedded()).isEqualTo(727);
    assertThat(first.records()).isEqualTo(727);
  }

  @Test
  void givenAFieldValuePair_whenRecalled_thenTheExactMatchOutranksALouderTextMatch(
      @TempDir Path tmp) throws Exception {
    try (var index = StructuredIndex.open(tmp.resolve("idx"), Embedders.get())) {
      index.ingest(StructuredReader.read(farms(tmp), null, "id"), false, null);
      var channel = new StructuredRecallChannel(index, false);

      List<FieldCandidate> got = channel.recall(query("country:Kenya growers"), 10);

      assertThat(got).extracting(FieldCandidate::id).startsWith("farms/ke-1");
      FieldCandidate exact = got.get(0);
      FieldCandidate loud =
          got.stream().filter(c -> c.id().equals("farms/ug-1")).findFirst().orElseThrow();
      assertThat(exact.feature(StructuredRecallChannel.EXACT_MATCHES)).isEqualTo(1.0);
      assertThat(loud.feature(StructuredRecallChannel.EXACT_MATCHES)).isZero();
      assertThat(loud.feature(FieldCandidate.BM25))
          .as("the text match is the stronger BM25 match")
          .isGreaterThan(exact.feature(FieldCandidate.BM25));
      assertThat(exact.channel()).isEqualTo(Channel.STRUCTURED);
      assertThat(exact.text())
          .isEqualTo(
              "table: farms; id: ke-1; country: Kenya; crop: tea;"
                  + " notes: highland estate near Kericho");
      assertThat(exact.provenance().get(0).source()).isEqualTo("farms");
      assertThat(exact.provenance().get(0).uri()).isEqualTo("ke-1");
      assertThat(exact.provenance().get(1).uri()).endsWith("farms.csv#2");
    }
  }

  @Test
  void givenTheShippedTable_whenTheGoalNamesAnIdOrAQuotedName_thenThatLicenceComesFirst() {
    try (var index = StructuredIndex.openReadOnly(dir.resolve("shared"), Embedders.get())) {
      var channel = new StructuredRecallChannel(index, false);

      var byId = channel.recall(query("Is the licence id:Zlib approved by the OSI?"), 300);
      var byName = channel.recall(query("projects released under the \"MIT License\""), 20);
      var loose = channel.recall(query("GNU general public license for libraries"), 20);

      assertThat(byId.get(0).id()).isEqualTo("spdx-licenses/Zlib");
      assertThat(byId).hasSizeGreaterThanOrEqualTo(200);
      assertThat(byName.get(0).id()).isEqualTo("spdx-licenses/MIT");
      assertThat(loose).extracting(FieldCandidate::id).anyMatch(id -> id.contains("LGPL"));
      assertThat(channel.corpusVersion()).isEqualTo(first.corpusVersion());
    }
  }

  @Test
  void givenANumericComparison_whenRecalled_thenOnlyRecordsInRangeMatchExactly() {
    try (var index = StructuredIndex.openReadOnly(dir.resolve("shared"), Embedders.get())) {
      List<StructuredHit> hits = index.search("short licences text_words<=40", null, 30);

      assertThat(hits).isNotEmpty();
      List<StructuredHit> exact = hits.stream().filter(h -> h.exactMatches() > 0).toList();
      assertThat(exact).isNotEmpty();
      for (StructuredHit h : exact)
        assertThat((Long) h.record().fields().get("text_words")).isLessThanOrEqualTo(40L);
      assertThat(hits.subList(0, exact.size())).isEqualTo(exact);
    }
  }

  @Test
  void givenTheSameTableAgain_whenReingested_thenNothingIsEmbeddedAndTheVersionHolds(
      @TempDir Path tmp) throws Exception {
    Path idx = tmp.resolve("idx");
    Path csv = farms(tmp);
    try (var index = StructuredIndex.open(idx, Embedders.get())) {
      var one = index.ingest(StructuredReader.read(csv, null, "id"), false, null);

      var again = index.ingest(StructuredReader.read(csv, null, "id"), false, null);

      assertThat(again.unchanged()).isEqualTo(3);
      assertThat(again.embedded()).isZero();
      assertThat(again.corpusVersion()).isEqualTo(one.corpusVersion());

      // one record changes, one is new, every old one moves down a line
      Files.writeString(
          csv,
          FARMS
              .replace("id,country,crop,notes\n", "id,country,crop,notes\nrw-1,Rwanda,tea,\n")
              .replace("Kilimanjaro slopes", "Kilimanjaro slopes and arabica"));
      var changed = index.ingest(StructuredReader.read(csv, null, "id"), false, null);

      assertThat(changed.added()).isEqualTo(1);
      assertThat(changed.changed()).isEqualTo(1);
      assertThat(changed.moved()).isEqualTo(2);
      assertThat(changed.embedded()).isEqualTo(2);
      assertThat(changed.corpusVersion()).isNotEqualTo(one.corpusVersion());
      assertThat(index.record("farms", "ke-1").line()).isEqualTo(3);
      assertThat(index.search("country:Kenya", null, 1).get(0).record().line()).isEqualTo(3);

      Files.writeString(
          csv, "id,country,crop,notes\nke-1,Kenya,tea,highland estate near Kericho\n");
      var pruned = index.ingest(StructuredReader.read(csv, null, "id"), true, null);

      assertThat(pruned.deleted()).isEqualTo(3);
      assertThat(pruned.records()).isEqualTo(1);
      assertThat(index.recordCount()).isEqualTo(1);
    }
  }

  @Test
  void givenAReadOnlyIndex_whenAWriterCommitsASecondTable_thenItReopensOntoIt(@TempDir Path tmp)
      throws Exception {
    Path idx = tmp.resolve("idx");
    try (var writer = StructuredIndex.open(idx, Embedders.get())) {
      writer.ingest(StructuredReader.read(ShippedTable.writeTo(tmp), null, "id"), false, null);
      try (var reader =
          StructuredIndex.openReadOnly(idx, Embedders.get(), java.time.Duration.ofHours(1))) {
        var channel = new StructuredRecallChannel(reader, false);
        String before = channel.corpusVersion();
        assertThat(channel.recall(query("country:Kenya"), 5))
            .noneMatch(c -> c.id().startsWith("farms/"));
        assertThatThrownBy(() -> reader.ingest(List.of(), false, null))
            .isInstanceOf(IllegalStateException.class);

        var second = writer.ingest(StructuredReader.read(farms(tmp), null, "id"), false, null);

        assertThat(reader.reopen()).isTrue();
        assertThat(channel.corpusVersion()).isNotEqualTo(before).isEqualTo(second.corpusVersion());
        assertThat(channel.recall(query("country:Kenya"), 5).get(0).id()).isEqualTo("farms/ke-1");
        assertThat(reader.recordCount()).isEqualTo(730);
      }
    }
  }

  @Test
  void givenAnInterruptedThread_whenSearched_thenTheSearchStops() {
    try (var index = StructuredIndex.openReadOnly(dir.resolve("shared"), Embedders.get())) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> index.search("id:MIT", Embedders.get().embed("id:MIT"), 10))
            .isInstanceOf(CancellationException.class);
      } finally {
        Thread.interrupted();
      }
      assertThat(index.search("id:MIT", null, 1).get(0).record().id()).isEqualTo("MIT");
    }
  }

  @Test
  void givenAStructuredIndexInTheDataDirectory_whenSourcesAreDiscovered_thenItIsTheChannel(
      @TempDir Path data) throws Exception {
    try (var index =
        StructuredIndex.open(data.resolve(LuceneFieldSource.STRUCTURED_DIR), Embedders.get())) {
      index.ingest(StructuredReader.read(farms(data), null, "id"), false, null);
    }

    List<RecallChannel> channels = FieldSource.discover(data, Map.of());

    assertThat(channels)
        .extracting(RecallChannel::name)
        .containsExactly(StructuredRecallChannel.NAME);
    try {
      assertThat(channels.get(0).kind()).isEqualTo(Channel.STRUCTURED);
      assertThat(channels.get(0).recall(query("country:Tanzania"), 3).get(0).id())
          .isEqualTo("farms/tz-1");
    } finally {
      ((AutoCloseable) channels.get(0)).close();
      ((AutoCloseable) channels.get(0)).close(); // idempotent
    }
    assertThat(
            FieldSource.discover(data, Map.of(LuceneFieldSource.STRUCTURED_SWITCH_SETTING, "off")))
        .isEmpty();
  }
}
