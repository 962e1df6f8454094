package dev.maestro.field;

import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.field.rerank.CrossEncoderReranker;
import dev.maestro.field.rerank.Reranker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;

/**
 * The {@link FieldSource} of the local semantic index, registered in {@code
 * META-INF/services/dev.maestro.core.field.FieldSource}: opens the index that {@code maestro
 * ingest} builds ({@code <data-dir>/field}, or the directory named by {@value #INDEX_SETTING})
 * read-only, with the shipped MiniLM embedder, and serves it as the {@code semantic} channel. No
 * index there (or {@value #SWITCH_SETTING}{@code =off}) means no channel.
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
    if ("off".equalsIgnoreCase(settings.getOrDefault(SWITCH_SETTING, "on").strip())) {
      return List.of();
    }
    String named = settings.get(INDEX_SETTING);
    Path dir =
        named != null && !named.isBlank()
            ? Path.of(named)
            : dataDir != null ? dataDir.resolve(INDEX_DIR) : null;
    if (dir == null || !hasIndex(dir)) return List.of();
    Duration reopen = reopenInterval(settings);
    int top = rerankTop(settings);
    Reranker reranker = CrossEncoderReranker.fromSettings(settings).orElse(null);
    MiniLmEmbedder embedder = null;
    try {
      embedder = MiniLmEmbedder.load();
      return List.of(
          new IndexRecallChannel(
              FieldIndex.openReadOnly(dir, embedder, reopen), true, reranker, top));
    } catch (RuntimeException e) {
      if (embedder != null) embedder.close();
      if (reranker != null) reranker.close();
      throw e;
    }
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
