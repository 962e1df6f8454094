package dev.maestro.field;

/**
 * A contiguous span of a document's text, the unit that is indexed and retrieved.
 *
 * @param id {@code docId#n}, deterministic for the same text and chunker settings
 * @param docId the document's id
 * @param n the chunk's position in the document, from 0
 * @param start the span's first character in {@link Document#text()}
 * @param end one past the span's last character
 * @param text {@code document.text().substring(start, end)}
 */
public record Chunk(String id, String docId, int n, int start, int end, String text) {

  /** The chunk id of the {@code n}-th chunk of {@code docId}. */
  public static String id(String docId, int n) {
    return docId + "#" + n;
  }
}
