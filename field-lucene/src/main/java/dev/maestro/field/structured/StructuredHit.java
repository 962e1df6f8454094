package dev.maestro.field.structured;

/**
 * A record recalled for a goal frame, with how it was found.
 *
 * @param record the record, with the provenance it was indexed with
 * @param score what the hits are ordered by: the summed weight of the exact matches plus the
 *     min-max fused text score in {@code [0, 1]}, so any exact match ranks above text alone
 * @param exactMatches how many of the goal frame's exact-match constraints the record meets
 * @param bm25 the raw BM25 score, {@code NaN} when BM25 did not retrieve the record
 * @param cosine the cosine between goal frame and record, {@code NaN} when the vector search did
 *     not retrieve it
 */
public record StructuredHit(
    StructuredRecord record, double score, int exactMatches, double bm25, double cosine) {}
