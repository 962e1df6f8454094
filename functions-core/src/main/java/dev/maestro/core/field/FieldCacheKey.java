package dev.maestro.core.field;

import java.util.List;
import java.util.Objects;

/**
 * What a cached context field is keyed by (BRIEF §10): the goal frame, the corpus version and the
 * candidate set. Budget, weights and settings are not part of the key: one cache serves one
 * configuration (a cache per tenant and budget, or fold them into the corpus version).
 *
 * @param goalFrameHash SHA-256 of the goal frame's text
 * @param corpusVersion the corpus version recall read
 * @param candidateSetHash {@link FieldAssembler#candidateSetVersion(List)} of the candidates
 */
public record FieldCacheKey(String goalFrameHash, String corpusVersion, String candidateSetHash) {

  public FieldCacheKey {
    Objects.requireNonNull(goalFrameHash, "goalFrameHash");
    Objects.requireNonNull(corpusVersion, "corpusVersion");
    Objects.requireNonNull(candidateSetHash, "candidateSetHash");
  }

  /** The key of the field {@code query} would assemble from {@code candidates}. */
  public static FieldCacheKey of(FieldQuery query, List<FieldCandidate> candidates) {
    return new FieldCacheKey(
        query.goalFrameHash(),
        query.corpusVersion(),
        FieldAssembler.candidateSetVersion(candidates));
  }

  /** The key a manifest was assembled under. */
  public static FieldCacheKey of(FieldManifest manifest) {
    return new FieldCacheKey(
        manifest.goalFrameHash(), manifest.corpusVersion(), manifest.candidateSetVersion());
  }
}
