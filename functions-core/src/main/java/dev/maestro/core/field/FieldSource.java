package dev.maestro.core.field;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Where a runtime gets the recall channels beyond the episodic one, found with {@link
 * ServiceLoader} ({@code META-INF/services/dev.maestro.core.field.FieldSource}): {@code
 * field-lucene} provides one that opens the semantic index under {@code <data-dir>/field}. A
 * runtime packaged without such a module has no source and recalls from the event log only.
 */
public interface FieldSource {

  /**
   * The channels this source serves for a runtime with data directory {@code dataDir} ({@code null}
   * when the runtime has none) and settings {@code settings} (the environment, or app settings);
   * empty when its data is absent. A returned channel that is {@link AutoCloseable} is closed by
   * {@link FieldServices#close()}.
   */
  List<RecallChannel> channels(Path dataDir, Map<String, String> settings);

  /**
   * The channels of every source on the class path, in class-path order. A source that fails is
   * logged and skipped: the field never depends on one source loading.
   */
  static List<RecallChannel> discover(Path dataDir, Map<String, String> settings) {
    var channels = new ArrayList<RecallChannel>();
    for (FieldSource source : ServiceLoader.load(FieldSource.class)) {
      try {
        channels.addAll(source.channels(dataDir, settings));
      } catch (RuntimeException | LinkageError e) {
        System.getLogger(FieldSource.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "field source " + source.getClass().getName() + " could not open its channels",
                e);
      }
    }
    return List.copyOf(channels);
  }
}
