package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.field.Channel;
import dev.maestro.core.field.FieldAssembler;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldManifest;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.FieldWeights;
import dev.maestro.core.field.RecallChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The semantic recall channel over the shipped corpus, and its {@link FieldSource} as a runtime
 * finds it: by {@link java.util.ServiceLoader}, under {@code <data-dir>/field}, read-only.
 */
class IndexRecallChannelTest {

  static final FieldQuery QUERY =
      FieldQuery.of(
          TenantId.of("acme"),
          ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057"),
          "may I redistribute modified copies of the program without the source code",
          20,
          Instant.parse("2026-03-01T12:00:00Z"));

  @TempDir static Path dataDir;
  static String version;

  @BeforeAll
  static void ingestTheShippedCorpus() {
    try (FieldIndex index =
        FieldIndex.open(dataDir.resolve(LuceneFieldSource.INDEX_DIR), TestEmbedder.get())) {
      version = index.ingest(ShippedCorpus.documents(), false, null).corpusVersion();
    }
  }

  @Test
  void givenTheShippedCorpus_whenRecalled_thenCandidatesCarryFeaturesProvenanceAndTokens() {
    try (FieldIndex index =
        FieldIndex.openReadOnly(dataDir.resolve(LuceneFieldSource.INDEX_DIR), TestEmbedder.get())) {
      var channel = new IndexRecallChannel(index, false);

      List<FieldCandidate> got = channel.recall(QUERY, 10);

      assertThat(channel.kind()).isEqualTo(Channel.SEMANTIC);
      assertThat(channel.corpusVersion()).isEqualTo(version);
      assertThat(got).hasSize(10);
      assertThat(got).extracting(FieldCandidate::id).doesNotHaveDuplicates();
      for (FieldCandidate c : got) {
        assertThat(c.channel()).isEqualTo(Channel.SEMANTIC);
        assertThat(c.tokens()).isPositive();
        assertThat(c.provenance().get(0).uri()).isEqualTo(c.id().substring(0, c.id().indexOf('#')));
        assertThat(c.features().keySet()).containsAnyOf(FieldCandidate.BM25, FieldCandidate.COSINE);
        c.features().values().forEach(v -> assertThat(v).isFinite());
      }
      assertThat(got).anyMatch(c -> c.feature(FieldCandidate.BM25) != null);
      assertThat(got).anyMatch(c -> c.feature(FieldCandidate.COSINE) != null);
      assertThat(got).anyMatch(c -> c.provenance().get(0).uri().contains("GPL"));

      FieldManifest field =
          new FieldAssembler().assemble(QUERY, got, 300, FieldWeights.DEFAULTS, QUERY.at());
      assertThat(field.tokensUsed()).isLessThanOrEqualTo(300);
      assertThat(field.items()).isNotEmpty();
    }
  }

  @Test
  void givenAReadOnlyIndex_whenIngestIsTried_thenItIsRefused() {
    try (FieldIndex index =
        FieldIndex.openReadOnly(dataDir.resolve(LuceneFieldSource.INDEX_DIR), TestEmbedder.get())) {
      assertThatThrownBy(() -> index.ingest(ShippedCorpus.documents(), false, null))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void givenAWriterHoldingTheIndex_whenOpenedReadOnly_thenBothWork() {
    Path dir = dataDir.resolve(LuceneFieldSource.INDEX_DIR);
    try (FieldIndex writer = FieldIndex.open(dir, TestEmbedder.get());
        FieldIndex reader = FieldIndex.openReadOnly(dir, TestEmbedder.get())) {
      assertThat(reader.chunkCount()).isEqualTo(writer.chunkCount());
      assertThat(reader.corpusVersion()).isEqualTo(writer.corpusVersion());
    }
  }

  @Test
  void givenTheDataDirectory_whenSourcesAreDiscovered_thenTheSemanticChannelIsFound()
      throws Exception {
    List<RecallChannel> channels = FieldSource.discover(dataDir, Map.of());

    assertThat(channels).extracting(RecallChannel::name).containsExactly(IndexRecallChannel.NAME);
    try {
      assertThat(channels.get(0).corpusVersion()).isEqualTo(version);
      assertThat(channels.get(0).recall(QUERY, 5)).hasSize(5);
    } finally {
      ((AutoCloseable) channels.get(0)).close();
      ((AutoCloseable) channels.get(0)).close(); // idempotent
    }
  }

  @Test
  void givenNoIndexOrTheSwitchOff_whenSourcesAreDiscovered_thenThereIsNoChannel(
      @TempDir Path empty) {
    assertThat(FieldSource.discover(empty, Map.of())).isEmpty();
    assertThat(FieldSource.discover(null, Map.of())).isEmpty();
    assertThat(FieldSource.discover(dataDir, Map.of(LuceneFieldSource.SWITCH_SETTING, "off")))
        .isEmpty();
  }

  @Test
  void givenAChunkWithoutAScore_whenConverted_thenTheMissingFeaturesAreAbsent() {
    var c = new Candidate("d#0", "d", 0, 1.0, Double.NaN, 0.5, "t", "", "h", "some text here");

    FieldCandidate f = IndexRecallChannel.candidate(c);

    assertThat(f.features()).containsOnlyKeys(FieldCandidate.COSINE);
    assertThat(f.provenance().get(0).source()).isEqualTo(IndexRecallChannel.DEFAULT_SOURCE);
    assertThat(f.tokens()).isEqualTo(4);
  }
}
