package dev.maestro.core.security.pii;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.policy.PolicyStore;
import java.util.Objects;

/**
 * Port-like seam: which {@link Redactor} applies to a tenant's writes. The tick engine and the
 * continuation service ask it before sealing any event built from outside or model input.
 */
@FunctionalInterface
public interface PiiRedaction {

  /** The redactor for {@code tenant}'s writes now; served from memory, never null. */
  Redactor forTenant(TenantId tenant);

  /** The built-in detectors for every tenant (no tenant patterns). */
  static PiiRedaction builtIn() {
    return tenant -> Redactor.builtIn();
  }

  /** No redaction at all: only for tests that need the raw text. */
  static PiiRedaction none() {
    return tenant -> Redactor.none();
  }

  /** Each tenant's redactor as its current policy document's {@code pii} section defines it. */
  static PiiRedaction fromPolicies(PolicyStore policies) {
    Objects.requireNonNull(policies, "policies");
    return tenant -> policies.policyFor(tenant).redactor();
  }
}
