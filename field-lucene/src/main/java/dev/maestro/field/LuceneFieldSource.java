package dev.maestro.field;

import dev.maestro.core.field.FieldSource;
import dev.maestro.core.field.RecallChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code maestro serve} is up, but the server keeps searching the commit it opened until it is
 * restarted.
 */
public final class LuceneFieldSource implements FieldSource {

  /** The index directory under the data directory. */
  public static final String INDEX_DIR = "field";

  /** The setting that names another index directory. */
  public static final String INDEX_SETTING = "MAESTRO_FIELD_INDEX";

  /** The setting that turns the semantic channel off ({@code off}). */
  public static final String SWITCH_SETTING = "MAESTRO_FIELD_SEMANTIC";

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
    MiniLmEmbedder embedder = MiniLmEmbedder.load();
    try {
      return List.of(new IndexRecallChannel(FieldIndex.openReadOnly(dir, embedder), true));
    } catch (RuntimeException e) {
      embedder.close();
      throw e;
    }
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
