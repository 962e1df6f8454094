package dev.maestro.core.field;

import java.util.List;

/**
 * A stage-1 recall channel: one source of candidates for the context field (the local semantic
 * index, the event log, lineage, a stream, human signals, structured records).
 *
 * <p>Implementations answer from their own data only, best candidate first. They may block; {@link
 * Recall} runs each on its own task, cuts it off after its timeout (interrupting it) and reports a
 * thrown exception as a failed channel, so a channel need not guard against either.
 */
public interface RecallChannel {

  /** The channel's name, unique among the channels of one {@link Recall}. */
  String name();

  /** The kind of channel. */
  Channel kind();

  /** At most {@code limit} candidates for {@code query}, best first. */
  List<FieldCandidate> recall(FieldQuery query, int limit);

  /**
   * The version of the content this channel reads (an index's corpus version), or {@code null} when
   * it has none worth keying a cache on (the event log, whose content is the candidate set).
   */
  default String corpusVersion() {
    return null;
  }
}
