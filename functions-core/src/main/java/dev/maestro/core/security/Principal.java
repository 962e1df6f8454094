package dev.maestro.core.security;

import dev.maestro.core.continuation.TenantId;
import java.util.Objects;
import java.util.Set;

/** An authenticated caller: the tenant (from the verified token only), subject and scopes. */
public record Principal(TenantId tenant, String subject, Set<String> scopes) {
  public Principal {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(subject, "subject");
    scopes = Set.copyOf(scopes);
  }
}
