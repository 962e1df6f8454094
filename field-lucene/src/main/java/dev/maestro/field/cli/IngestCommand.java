package dev.maestro.field.cli;

import dev.maestro.core.json.Json;
import dev.maestro.field.Beir;
import dev.maestro.field.FieldIndex;
import dev.maestro.field.IngestReport;
import dev.maestro.field.LuceneFieldSource;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.structured.StructuredIndex;
import dev.maestro.field.structured.StructuredIngestReport;
import dev.maestro.field.structured.StructuredReader;
import dev.maestro.field.structured.StructuredRecord;
import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maestro ingest <dir|file.jsonl>}: documents chunked, embedded and indexed; {@code maestro
 * ingest --structured FILE.jsonl|FILE.csv}: a table's typed records validated, embedded and
 * indexed.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Chunks, embeds (all-MiniLM-L6-v2) and indexes documents into the context field's local"
          + " index (BM25 + HNSW vectors, Apache Lucene).",
      "Input: a folder of .txt/.md files (one document each, id = relative path) or a JSONL file"
          + " of {_id, title, text} lines.",
      "With --structured: a table of typed records (JSON Lines, one object a line, or CSV with a"
          + " header row), each with an id, validated whole before anything is written and indexed"
          + " into <data-dir>/field-structured (every field as an exact keyword and as text,"
          + " numbers also as points, the record rendered for BM25 and embedded).",
      "Incremental: unchanged documents or records are skipped (nothing embedded), changed ones"
          + " replaced.",
      "Exit codes: 0 done; 2 invalid arguments or input (the message names the line and field)."
    })
public final class IngestCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR|FILE.jsonl",
      description = "The documents to ingest.")
  Path input;

  @Option(
      names = "--structured",
      paramLabel = "FILE.jsonl|FILE.csv",
      description = "Ingest this table of typed records instead of documents.")
  Path structured;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description =
          "With --structured: the table's name (default: the file name without extension).")
  String table;

  @Option(
      names = "--id-field",
      paramLabel = "NAME",
      defaultValue = "id",
      description =
          "With --structured: the field or column holding each record's id (default: id).")
  String idField;

  @Option(
      names = "--index",
      paramLabel = "DIR",
      description =
          "The index folder (default: <data-dir>/field, or <data-dir>/field-structured with"
              + " --structured; data-dir = $MAESTRO_HOME or ~/.maestro).")
  Path index;

  @Option(
      names = "--delete-missing",
      description =
          "Also delete indexed documents (with --structured: records of the same table) that are"
              + " absent from the input.")
  boolean deleteMissing;

  @Option(names = "--json", description = "Print the ingest report as JSON.")
  boolean json;

  /** For picocli. */
  public IngestCommand() {}

  @Override
  public Integer call() {
    if ((input == null) == (structured == null))
      throw new ParameterException(
          spec.commandLine(),
          "give either DIR|FILE.jsonl or --structured FILE, not both or neither");
    if (structured == null && (table != null || !"id".equals(idField)))
      throw new ParameterException(
          spec.commandLine(), "--table and --id-field go with --structured");
    return structured != null ? ingestTable() : ingestDocuments();
  }

  private int ingestTable() {
    Path dir =
        index != null
            ? index
            : LocalConfig.defaultDataDir().resolve(LuceneFieldSource.STRUCTURED_DIR);
    // The whole file is read and validated before the index is opened: a bad file writes nothing.
    List<StructuredRecord> records =
        Cli.guard(() -> StructuredReader.read(structured, table, idField));
    if (records == null) return 2;
    System.err.printf(
        "ingest: %d records of table %s from %s into %s%n",
        records.size(), records.getFirst().table(), structured, dir);
    try (MiniLmEmbedder embedder = Cli.embedder();
        StructuredIndex field = StructuredIndex.open(Cli.mkdirs(dir), embedder)) {
      StructuredIngestReport r = field.ingest(records, deleteMissing, System.err);
      if (json) System.out.println(Json.write(r));
      else
        System.out.printf(
            "table %s: added %d, changed %d, moved %d, unchanged %d, deleted %d; %d records"
                + " embedded in %.1f s; %d records in the table, %d in the index; corpus version"
                + " %s%n",
            r.table(),
            r.added(),
            r.changed(),
            r.moved(),
            r.unchanged(),
            r.deleted(),
            r.embedded(),
            r.millis() / 1000.0,
            r.records(),
            field.recordCount(),
            r.corpusVersion());
      return 0;
    }
  }

  private int ingestDocuments() {
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
