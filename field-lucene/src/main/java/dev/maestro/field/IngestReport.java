package dev.maestro.field;

/**
 * What one {@link FieldIndex#ingest} did.
 *
 * @param added documents new to the index
 * @param changed documents whose content changed and were replaced
 * @param unchanged documents skipped because their content hash was already indexed
 * @param deleted documents removed because they were absent from the input (only when asked)
 * @param chunksEmbedded chunks embedded and written
 * @param corpusVersion the corpus version after the ingest
 * @param millis wall time of the ingest
 */
public record IngestReport(
    int added,
    int changed,
    int unchanged,
    int deleted,
    int chunksEmbedded,
    String corpusVersion,
    long millis) {

  /** Documents that were embedded: added plus changed. */
  public int documentsEmbedded() {
    return added + changed;
  }
}
