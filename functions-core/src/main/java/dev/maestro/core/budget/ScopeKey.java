package dev.maestro.core.budget;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One pot of money a spend draws on: a continuation, a whole lineage tree (by its root), or a
 * tenant's spend on one UTC day. A model call draws on all three at once and must fit in each.
 *
 * @param kind which pot
 * @param id the continuation id (continuation), the root's id (tree) or the tenant id (tenant-day)
 * @param day the UTC date for a tenant-day scope; {@code null} for the others
 */
public record ScopeKey(Kind kind, String id, LocalDate day) {

  /** The three scopes BRIEF §9 limits. */
  public enum Kind {
    CONTINUATION("continuation"),
    TREE("tree"),
    TENANT_DAY("tenant-day");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public ScopeKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    if ((kind == Kind.TENANT_DAY) != (day != null)) {
      throw new IllegalArgumentException("a day is required for, and only for, a tenant-day scope");
    }
  }

  public static ScopeKey continuation(ContinuationId id) {
    return new ScopeKey(Kind.CONTINUATION, id.value(), null);
  }

  public static ScopeKey tree(ContinuationId root) {
    return new ScopeKey(Kind.TREE, root.value(), null);
  }

  public static ScopeKey tenantDay(TenantId tenant, LocalDate day) {
    return new ScopeKey(Kind.TENANT_DAY, tenant.value(), day);
  }

  /** A readable name such as {@code tenant-day acme 2026-11-01}, used in error messages. */
  @Override
  public String toString() {
    return kind.wire() + " " + id + (day == null ? "" : " " + day);
  }
}
