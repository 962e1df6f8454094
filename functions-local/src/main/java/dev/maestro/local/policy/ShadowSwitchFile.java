package dev.maestro.local.policy;

import dev.maestro.core.json.Json;
import dev.maestro.core.policy.learned.ShadowSwitch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The learned policy's kill switch on the embedded runtime: a small JSON file in the data directory
 * ({@code policy/v1-switch.json}, {@code {"enabled": false, "by": ..., "at": ...}}), written by
 * {@code maestro policy v1 on|off} and read by every process that decides, so a running {@code
 * maestro serve} stops scoring within {@link #RECHECK_NANOS} of the command. No file means on. The
 * file is re-read only when its modification time changes, and at most once per recheck interval,
 * so a decision pays a clock read, not a file read.
 */
public final class ShadowSwitchFile implements ShadowSwitch {

  /** Where the switch lies under the data directory. */
  public static final String FILE = "policy/v1-switch.json";

  /** How often the file is looked at: 250 ms. */
  public static final long RECHECK_NANOS = 250_000_000L;

  private final Path file;
  private volatile boolean enabled = true;
  private volatile long checkedAt = Long.MIN_VALUE;
  private volatile long seenModified = Long.MIN_VALUE;

  private ShadowSwitchFile(Path file) {
    this.file = file;
  }

  /** The switch of the data directory {@code dataDir}. */
  public static ShadowSwitchFile in(Path dataDir) {
    return new ShadowSwitchFile(dataDir.resolve(FILE));
  }

  /** The file. */
  public Path file() {
    return file;
  }

  @Override
  public boolean enabled() {
    long now = System.nanoTime();
    if (now - checkedAt >= RECHECK_NANOS || checkedAt == Long.MIN_VALUE) {
      synchronized (this) {
        if (now - checkedAt >= RECHECK_NANOS || checkedAt == Long.MIN_VALUE) {
          reload();
          checkedAt = now;
        }
      }
    }
    return enabled;
  }

  /** Reads the file now, whatever the interval. */
  public synchronized boolean reload() {
    long modified;
    try {
      modified = Files.getLastModifiedTime(file).toMillis();
    } catch (NoSuchFileException e) {
      enabled = true;
      seenModified = Long.MIN_VALUE;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (modified != seenModified) {
      enabled = read().enabled();
      seenModified = modified;
    }
    return enabled;
  }

  /**
   * The switch's state as recorded.
   *
   * @param enabled whether v1 scores decisions
   * @param by who set it
   * @param at when
   */
  public record State(boolean enabled, String by, Instant at) {}

  /** The recorded state; on when there is no file. A file that is not a switch is an error. */
  public State read() {
    try {
      var tree = Json.mapper().readTree(Files.readString(file));
      if (tree == null || !tree.path("enabled").isBoolean()) {
        throw new IllegalStateException(
            file + " is not a switch file: it needs {\"enabled\": true|false}");
      }
      String at = tree.path("at").asText(null);
      return new State(
          tree.get("enabled").booleanValue(),
          tree.path("by").asText(null),
          at == null ? null : Instant.parse(at));
    } catch (NoSuchFileException e) {
      return new State(true, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Sets the switch (atomically replacing the file) and returns the new state. */
  public synchronized State set(boolean on, String by, Instant at) {
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(at, "at");
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Json.write(Map.of("enabled", on, "by", by, "at", at.toString())));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    checkedAt = Long.MIN_VALUE;
    seenModified = Long.MIN_VALUE;
    enabled = on;
    return new State(on, by, at);
  }
}
