package dev.maestro.core.policy;

import dev.maestro.core.continuation.TenantId;

/**
 * Port: where a tenant's policy comes from. Implementations return the compiled current revision
 * and fall back to {@link TenantPolicy#defaults} for a tenant without a document; they never return
 * null and do no I/O on the decision path (load and compile ahead, serve from memory).
 */
public interface PolicyStore {

  /** The policy that governs {@code tenant} now. */
  TenantPolicy policyFor(TenantId tenant);
}
