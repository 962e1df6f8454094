package dev.maestro.core.substrate;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.util.Comparator;
import java.util.Objects;

/** A continuation's full key: tenant plus id. Stores never address a continuation by id alone. */
public record ContinuationRef(TenantId tenant, ContinuationId id) {

  /** The order {@link ContinuationStore#scanUnfinished} pages in: by tenant, then by id. */
  public static final Comparator<ContinuationRef> ORDER =
      Comparator.comparing((ContinuationRef r) -> r.tenant().value())
          .thenComparing(r -> r.id().value());

  public ContinuationRef {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
  }

  @Override
  public String toString() {
    return tenant + "/" + id;
  }
}
