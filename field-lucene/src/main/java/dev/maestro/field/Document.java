package dev.maestro.field;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A document to ingest into the context field.
 *
 * @param id the caller's stable identifier (re-ingesting the same id replaces the document when its
 *     content changed)
 * @param title a title, possibly empty; it is part of the content and of every chunk's text
 * @param text the body
 * @param source provenance: where the document came from (a path, a URL, a corpus name)
 */
public record Document(String id, String title, String text, String source) {

  public Document {
    Objects.requireNonNull(id, "id");
    if (id.isBlank() || id.indexOf('#') >= 0)
      throw new IllegalArgumentException("document id must be non-blank and free of '#': " + id);
    title = title == null ? "" : title;
    text = text == null ? "" : text;
    source = source == null ? "" : source;
  }

  /**
   * SHA-256 (hex) of the title and text: what decides whether a re-ingested document changed. The
   * source is provenance, not content, and is left out.
   */
  public String contentHash() {
    return sha256(title + "\u0000" + text);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
