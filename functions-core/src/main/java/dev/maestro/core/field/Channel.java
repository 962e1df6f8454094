package dev.maestro.core.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The six kinds of stage-1 recall channel (BRIEF §10). The kind says where a candidate came from;
 * the channel's own name (several channels may share a kind) is carried in {@link ChannelReport}.
 */
public enum Channel {
  /** Hybrid text and vector retrieval over ingested documents. */
  SEMANTIC,
  /** Typed records: tables, key-value facts. */
  STRUCTURED,
  /** The continuation's own event log. */
  EPISODIC,
  /** Lineage and citation edges. */
  GRAPH,
  /** Recent stream events. */
  STREAM,
  /** What a person said: signals, redirects, notes. */
  HUMAN;

  private static final Channel[] ALL = values();

  /** The wire name: the lower-case constant name. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The channel kind for {@code wire}; an unknown name is an {@link IllegalArgumentException}. */
  @JsonCreator
  public static Channel fromWire(String wire) {
    for (Channel c : ALL) if (c.wire().equals(wire)) return c;
    throw new IllegalArgumentException("unknown channel: " + wire);
  }
}
