package dev.maestro.field.structured;

/**
 * What one {@link StructuredIndex#ingest} of a table did.
 *
 * @param table the table
 * @param added records new to the index
 * @param changed records whose content changed (embedded again and replaced)
 * @param moved records whose content is unchanged but whose file or line changed (provenance
 *     updated, nothing embedded)
 * @param unchanged records skipped: same content, same place
 * @param deleted records of the table absent from the input and removed (only when asked)
 * @param embedded records embedded: added plus changed
 * @param records the records of the table indexed after the ingest
 * @param corpusVersion the index's corpus version after the ingest
 * @param millis wall time of the ingest
 */
public record StructuredIngestReport(
    String table,
    int added,
    int changed,
    int moved,
    int unchanged,
    int deleted,
    int embedded,
    int records,
    String corpusVersion,
    long millis) {}
