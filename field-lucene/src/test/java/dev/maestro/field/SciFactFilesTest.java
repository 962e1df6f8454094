package dev.maestro.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The BEIR readers on the real SciFact files, when this machine has them (never shipped). */
class SciFactFilesTest {

  static final Path SCIFACT = Path.of("/work/shared/data/scifact");

  @Test
  void reads_the_scifact_dev_split_when_present() {
    assumeTrue(
        Files.isRegularFile(SCIFACT.resolve("corpus.jsonl")),
        "SciFact is not on this machine (" + SCIFACT + "); it is evaluation data, not shipped");
    assertThat(Beir.readCorpus(SCIFACT.resolve("corpus.jsonl"))).hasSize(5183);
    assertThat(Beir.readQueries(SCIFACT.resolve("queries_dev.jsonl"))).hasSize(809);
    var qrels = Beir.readQrels(SCIFACT.resolve("qrels/train.tsv"));
    assertThat(qrels.values().stream().mapToInt(java.util.Map::size).sum()).isEqualTo(919);
  }
}
