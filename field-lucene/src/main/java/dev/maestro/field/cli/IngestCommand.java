package dev.maestro.field.cli;

import dev.maestro.core.json.Json;
import dev.maestro.field.Beir;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.IngestReport;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maestro ingest <dir|file.jsonl>}: documents chunked, embedded and indexed. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Chunks, embeds (all-MiniLM-L6-v2) and indexes documents into the context field's local"
          + " index (BM25 + HNSW vectors, Apache Lucene).",
      "Input: a folder of .txt/.md files (one document each, id = relative path) or a JSONL file"
          + " of {_id, title, text} lines.",
      "Incremental: unchanged documents are skipped (nothing embedded), changed ones replaced.",
      "Exit codes: 0 done; 2 invalid arguments or input."
    })
public final class IngestCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR|FILE.jsonl", description = "What to ingest.")
  Path input;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "The index folder (default: <data-dir>/field, data-dir = $MAESTRO_HOME or ~/.maestro).")
  Path index;

  @Option(
      names = "--delete-missing",
      description = "Also delete indexed documents that are absent from the input.")
  boolean deleteMissing;

  @Option(names = "--json", description = "Print the ingest report as JSON.")
  boolean json;

  /** For picocli. */
  public IngestCommand() {}

  @Override
  public Integer call() {
    Path dir = index != null ? index : LocalConfig.defaultDataDir().resolve("field");
    var docs = Cli.guard(() -> Beir.readDocuments(input));
    if (docs == null) return 2;
    System.err.printf("ingest: %d documents from %s into %s%n", docs.size(), input, dir);
    try (MiniLmEmbedder embedder = Cli.embedder();
        FieldIndex field = FieldIndex.open(Cli.mkdirs(dir), embedder)) {
      IngestReport r = field.ingest(docs, deleteMissing, System.err);
      if (json) System.out.println(Json.write(r));
      else
        System.out.printf(
            "added %d, changed %d, unchanged %d, deleted %d; %d chunks embedded in %.1f s;"
                + " %d chunks indexed; corpus version %s%n",
            r.added(),
            r.changed(),
            r.unchanged(),
            r.deleted(),
            r.chunksEmbedded(),
            r.millis() / 1000.0,
            field.chunkCount(),
            r.corpusVersion());
      return 0;
    }
  }
}
