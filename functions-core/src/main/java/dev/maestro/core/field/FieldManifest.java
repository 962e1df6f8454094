package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An assembled context field (BRIEF §10): what goes into a continuation's context, in order, with
 * scores and provenance; what was left out and why; the token budget it respects; and when it goes
 * stale.
 *
 * <p>Invariants, checked on construction: {@code tokensUsed} is the sum of the items' tokens and
 * never exceeds {@code budgetTokens}; ranks run 1..n; {@code staleAt = assembledAt + ttlSeconds}.
 *
 * @param continuationId the continuation the field is for
 * @param tenant its tenant
 * @param goalFrameHash SHA-256 of the goal frame's text
 * @param corpusVersion the version of the indexed content it was recalled from
 * @param candidateSetVersion SHA-256 over the candidates it was assembled from, in order
 * @param budgetTokens the token budget
 * @param tokensUsed the tokens the items take
 * @param weights the score function's weights
 * @param items the kept candidates, best first
 * @param evicted the dropped candidates and channels, each once, with a reason
 * @param channels how each recall channel fared (empty when assembled from bare candidates)
 * @param assembledAt when it was assembled
 * @param ttlSeconds how long it stays fresh
 * @param staleAt when it goes stale and must be recomputed
 */
public record FieldManifest(
    ContinuationId continuationId,
    TenantId tenant,
    String goalFrameHash,
    String corpusVersion,
    String candidateSetVersion,
    int budgetTokens,
    int tokensUsed,
    FieldWeights weights,
    List<FieldItem> items,
    List<Eviction> evicted,
    List<ChannelReport> channels,
    Instant assembledAt,
    long ttlSeconds,
    Instant staleAt) {

  public FieldManifest {
    Objects.requireNonNull(continuationId, "continuationId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(goalFrameHash, "goalFrameHash");
    Objects.requireNonNull(corpusVersion, "corpusVersion");
    Objects.requireNonNull(candidateSetVersion, "candidateSetVersion");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(assembledAt, "assembledAt");
    Objects.requireNonNull(staleAt, "staleAt");
    items = List.copyOf(items);
    evicted = List.copyOf(evicted);
    channels = List.copyOf(channels);
    if (budgetTokens < 0) throw new IllegalArgumentException("budgetTokens must be >= 0");
    long sum = 0;
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).rank() != i + 1) throw new IllegalArgumentException("ranks must run 1..n");
      sum += items.get(i).tokens();
    }
    if (sum != tokensUsed) {
      throw new IllegalArgumentException("tokensUsed " + tokensUsed + " != items' tokens " + sum);
    }
    if (tokensUsed > budgetTokens) {
      throw new IllegalArgumentException(
          "tokensUsed " + tokensUsed + " exceeds the budget " + budgetTokens);
    }
    if (ttlSeconds < 0 || !staleAt.equals(assembledAt.plusSeconds(ttlSeconds))) {
      throw new IllegalArgumentException("staleAt must be assembledAt + ttlSeconds");
    }
  }

  /** Whether the field is stale at {@code now} (at or after {@link #staleAt()}). */
  public boolean isStale(Instant now) {
    return !now.isBefore(staleAt);
  }
}
