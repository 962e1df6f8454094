package dev.maestro.field;

import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.field.rerank.CrossEncoderReranker;
import dev.maestro.field.rerank.Reranker;
import dev.maestro.field.structured.StructuredIndex;
import dev.maestro.field.structured.StructuredRecallChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;

/**
 * The {@link FieldSource} of the local indexes, registered in {@code
 * META-INF/services/dev.maestro.core.field.FieldSource}: opens the document index that {@code
 * maestro ingest} builds ({@code <data-dir>/field}, or the directory named by {@value
 * #INDEX_SETTING}) read-only, with the shipped MiniLM embedder, and serves it as the {@code
 * semantic} channel; and the structured index that {@code maestro ingest --structured} builds
 * ({@code <data-dir>/field-structured}, or {@value #STRUCTURED_INDEX_SETTING}) as the {@code
 * structured} channel. No index there (or {@value #SWITCH_SETTING}{@code =off}, {@value
 * #STRUCTURED_SWITCH_SETTING}{@code =off}) means no such channel. Both channels share one embedder,
 * closed with the last of them.
 *
 * <p>Read-only means no write lock: {@code maestro ingest} can run against the same directory while
 * {@code maestro serve} is up, and the server switches to each commit it makes without a restart:
 * the index checks for a newer commit at most every {@value #REOPEN_SETTING} milliseconds (default
 * 1000) when it is searched, and the channel's corpus version (and so the field cache's key)
 * follows.
 *
 * <p>With {@value CrossEncoderReranker#MODEL_SETTING} and {@value
 * CrossEncoderReranker#TOKENIZER_SETTING} set, the channel reranks its best {@value #TOP_SETTING}
 * (default {@value #DEFAULT_RERANK_TOP}) candidates with that cross-encoder (see {@link
 * CrossEncoderReranker} for {@value CrossEncoderReranker#MAX_LENGTH_SETTING}); a model that cannot
 * be loaded fails the source, naming why.
 */
public final class LuceneFieldSource implements FieldSource {

  /** The index directory under the data directory. */
  public static final String INDEX_DIR = "field";

  /** The setting that names another index directory. */
  public static final String INDEX_SETTING = "MAESTRO_FIELD_INDEX";

  /** The setting that turns the semantic channel off ({@code off}). */
  public static final String SWITCH_SETTING = "MAESTRO_FIELD_SEMANTIC";

  /** The structured index directory under the data directory. */
  public static final String STRUCTURED_DIR = "field-structured";

  /** The setting that names another structured index directory. */
  public static final String STRUCTURED_INDEX_SETTING = "MAESTRO_FIELD_STRUCTURED_INDEX";

  /** The setting that turns the structured channel off ({@code off}). */
  public static final String STRUCTURED_SWITCH_SETTING = "MAESTRO_FIELD_STRUCTURED";

  /**
   * The setting naming how often, at most, the index checks for a newer commit, in milliseconds
   * ({@code 0}: on every search). Default 1000.
   */
  public static final String REOPEN_SETTING = "MAESTRO_FIELD_REOPEN_MS";

  /** The setting naming how many of the best candidates the cross-encoder reranks. */
  public static final String TOP_SETTING = "MAESTRO_RERANK_CROSS_ENCODER_TOP";

  /** The candidates a cross-encoder reranks by default (BRIEF §13: cross-encoder top-50). */
  public static final int DEFAULT_RERANK_TOP = 50;

  /** Found by {@link java.util.ServiceLoader}. */
  public LuceneFieldSource() {}

  @Override
  public List<RecallChannel> channels(Path dataDir, Map<String, String> settings) {
    Path semantic =
        enabled(settings, SWITCH_SETTING) ? dir(dataDir, settings, INDEX_SETTING, INDEX_DIR) : null;
    Path structured =
        enabled(settings, STRUCTURED_SWITCH_SETTING)
            ? dir(dataDir, settings, STRUCTURED_INDEX_SETTING, STRUCTURED_DIR)
            : null;
    if (semantic != null && !hasIndex(semantic)) semantic = null;
    if (structured != null && !hasIndex(structured)) structured = null;
    if (semantic == null && structured == null) return List.of();
    Duration reopen = reopenInterval(settings);
    int top = rerankTop(settings);
    Reranker reranker =
        semantic != null ? CrossEncoderReranker.fromSettings(settings).orElse(null) : null;
    var channels = new ArrayList<RecallChannel>();
    SharedEmbedder embedder = null;
    try {
      embedder =
          new SharedEmbedder(
              MiniLmEmbedder.load(), (semantic != null ? 1 : 0) + (structured != null ? 1 : 0));
      if (semantic != null) {
        FieldIndex index = FieldIndex.openReadOnly(semantic, embedder, reopen);
        channels.add(new IndexRecallChannel(index, true, reranker, top));
        reranker = null; // owned by the channel now
      }
      if (structured != null) {
        StructuredIndex index = StructuredIndex.openReadOnly(structured, embedder, reopen);
        channels.add(new StructuredRecallChannel(index, true));
      }
      return List.copyOf(channels);
    } catch (RuntimeException e) {
      for (RecallChannel c : channels) {
        try {
          ((AutoCloseable) c).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (embedder != null) embedder.closeAll();
      if (reranker != null) reranker.close();
      throw e;
    }
  }

  private static boolean enabled(Map<String, String> settings, String key) {
    return !"off".equalsIgnoreCase(settings.getOrDefault(key, "on").strip());
  }

  private static Path dir(Path dataDir, Map<String, String> settings, String key, String under) {
    String named = settings.get(key);
    if (named != null && !named.isBlank()) return Path.of(named);
    return dataDir != null ? dataDir.resolve(under) : null;
  }

  /** {@value #TOP_SETTING} as a count (at least 1). */
  static int rerankTop(Map<String, String> settings) {
    String v = settings.get(TOP_SETTING);
    if (v == null || v.isBlank()) return DEFAULT_RERANK_TOP;
    try {
      int top = Integer.parseInt(v.strip());
      if (top >= 1) return top;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        TOP_SETTING + " must be a whole number >= 1, was '" + v + "'");
  }

  /** {@value #REOPEN_SETTING} as a duration; a value that is not a whole number >= 0 is refused. */
  static Duration reopenInterval(Map<String, String> settings) {
    String v = settings.get(REOPEN_SETTING);
    if (v == null || v.isBlank()) return FieldIndex.DEFAULT_REOPEN_INTERVAL;
    try {
      long ms = Long.parseLong(v.strip());
      if (ms >= 0) return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        REOPEN_SETTING + " must be a whole number of milliseconds >= 0, was '" + v + "'");
  }

  /** Whether {@code dir} holds a committed Lucene index. */
  static boolean hasIndex(Path dir) {
    if (!Files.isDirectory(dir)) return false;
    try (var directory = FSDirectory.open(dir)) {
      return DirectoryReader.indexExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect " + dir, e);
    }
  }
}
