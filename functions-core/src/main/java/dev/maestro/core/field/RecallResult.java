package dev.maestro.core.field;

import java.util.List;

/**
 * Stage-1 recall's answer: the merged, de-duplicated candidates (at most the recall's cap), the
 * candidates dropped by the cap, and a report per channel in the order the channels were given.
 *
 * @param candidates the candidates kept, in round-robin order over the channels' rankings
 * @param overCap the candidates beyond the cap, in the same order
 * @param channels one report per channel
 * @param duplicates how many proposals were merged into an earlier one with the same id
 */
public record RecallResult(
    List<FieldCandidate> candidates,
    List<FieldCandidate> overCap,
    List<ChannelReport> channels,
    int duplicates) {

  public RecallResult {
    candidates = List.copyOf(candidates);
    overCap = List.copyOf(overCap);
    channels = List.copyOf(channels);
    if (duplicates < 0) throw new IllegalArgumentException("duplicates must be >= 0");
  }
}
