package dev.maestro.core.field;

import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import java.util.ArrayList;

/**
 * A tenant's weights for the context field's score function (BRIEF §10):
 *
 * <pre>
 * score = rel·rerank + sem·cosine + lex·bm25_norm + rec·recency + trust·provenance − red·redundancy
 * </pre>
 *
 * Every weight is finite and {@code >= 0}, and at least one of the five positive terms is weighted;
 * a violation is an {@link InvalidInputException} naming each offending weight.
 *
 * @param rel the stage-2 reranker's relevance
 * @param sem the bi-encoder cosine
 * @param lex BM25, normalised within the candidate set
 * @param rec recency (exponential decay with a half-life)
 * @param trust the provenance's trust
 * @param red the MMR redundancy penalty
 */
public record FieldWeights(
    double rel, double sem, double lex, double rec, double trust, double red) {

  /** The defaults: the reranker leads, cosine and BM25 back it up, redundancy is penalised. */
  public static final FieldWeights DEFAULTS = new FieldWeights(0.40, 0.25, 0.15, 0.10, 0.10, 0.30);

  public FieldWeights {
    var errors = new ArrayList<FieldError>();
    check(errors, "rel", rel);
    check(errors, "sem", sem);
    check(errors, "lex", lex);
    check(errors, "rec", rec);
    check(errors, "trust", trust);
    check(errors, "red", red);
    if (errors.isEmpty() && rel + sem + lex + rec + trust == 0) {
      errors.add(new FieldError("", "at least one of rel, sem, lex, rec, trust must be > 0"));
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
  }

  private static void check(ArrayList<FieldError> errors, String name, double w) {
    if (!Double.isFinite(w) || w < 0) {
      errors.add(new FieldError("/" + name, "must be a finite number >= 0, was " + w));
    }
  }
}
