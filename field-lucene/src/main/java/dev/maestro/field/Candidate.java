package dev.maestro.field;

/**
 * A retrieved chunk with its scores per channel and its provenance.
 *
 * @param chunkId {@code docId#n}
 * @param docId the document's id
 * @param chunkN the chunk's position in its document
 * @param score the score this search ranked by (BM25, cosine, or the fused score)
 * @param bm25 the BM25 score, {@code NaN} when the lexical channel did not retrieve the chunk
 * @param cosine the cosine to the query, {@code NaN} when the dense channel did not retrieve it
 * @param title the document's title
 * @param source the document's provenance
 * @param contentHash the document's content hash at ingest
 * @param text the chunk's text
 * @param rerank the stage-2 rerank score, {@code NaN} until a {@code Reranker} scored the chunk
 */
public record Candidate(
    String chunkId,
    String docId,
    int chunkN,
    double score,
    double bm25,
    double cosine,
    String title,
    String source,
    String contentHash,
    String text,
    double rerank) {

  /** A candidate not (yet) reranked. */
  public Candidate(
      String chunkId,
      String docId,
      int chunkN,
      double score,
      double bm25,
      double cosine,
      String title,
      String source,
      String contentHash,
      String text) {
    this(chunkId, docId, chunkN, score, bm25, cosine, title, source, contentHash, text, Double.NaN);
  }

  /** This candidate with the stage-2 rerank score {@code r}; its stage-1 scores are kept. */
  public Candidate withRerank(double r) {
    return new Candidate(
        chunkId, docId, chunkN, score, bm25, cosine, title, source, contentHash, text, r);
  }

  Candidate withScore(double s) {
    return new Candidate(
        chunkId, docId, chunkN, s, bm25, cosine, title, source, contentHash, text, rerank);
  }

  Candidate withChannels(double b, double c) {
    return new Candidate(
        chunkId, docId, chunkN, score, b, c, title, source, contentHash, text, rerank);
  }
}
