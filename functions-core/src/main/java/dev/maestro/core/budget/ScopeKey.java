package dev.maestro.core.budget;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Scopes as stored with a reservation: one line per scope, {@code KIND id [day]} with the kind's
   * enum name (ids never contain spaces or line breaks). {@link #decodeAll} reads it back; the
   * stores keep this text, so it must not change.
   */
  public static String encodeAll(List<ScopeKey> scopes) {
    var out = new StringBuilder();
    for (ScopeKey scope : scopes) {
      if (!out.isEmpty()) out.append('\n');
      out.append(scope.kind().name()).append(' ').append(scope.id());
      if (scope.day() != null) out.append(' ').append(scope.day());
    }
    return out.toString();
  }

  /** The scopes {@link #encodeAll} wrote. */
  public static List<ScopeKey> decodeAll(String text) {
    var out = new ArrayList<ScopeKey>();
    for (String line : text.split("\n")) {
      String[] parts = line.split(" ");
      out.add(
          new ScopeKey(
              Kind.valueOf(parts[0]),
              parts[1],
              parts.length > 2 ? LocalDate.parse(parts[2]) : null));
    }
    return List.copyOf(out);
  }

  /** A readable name such as {@code tenant-day acme 2026-11-01}, used in error messages. */
  @Override
  public String toString() {
    return kind.wire() + " " + id + (day == null ? "" : " " + day);
  }
}
