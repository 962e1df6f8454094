package dev.maestro.core.policy;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PolicyStore} held in memory: documents put here are validated and compiled once; tenants
 * without one get the built-in default (compiled once per tenant and cached).
 */
public final class InMemoryPolicyStore implements PolicyStore {

  private final ConcurrentHashMap<TenantId, TenantPolicy> policies = new ConcurrentHashMap<>();

  @Override
  public TenantPolicy policyFor(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return policies.computeIfAbsent(tenant, TenantPolicy::defaults);
  }

  /** Installs {@code document} for its tenant, replacing any earlier revision. */
  public void put(PolicyDocument document) {
    policies.put(document.tenant(), TenantPolicy.of(document));
  }

  /**
   * Parses, validates and installs a policy document from JSON text.
   *
   * @throws InvalidInputException naming every offending field; nothing is installed
   */
  public PolicyDocument load(String json) {
    PolicyDocument document = PolicyDocument.parse(json);
    put(document);
    return document;
  }
}
