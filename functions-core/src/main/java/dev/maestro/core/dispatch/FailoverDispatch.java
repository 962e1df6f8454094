package dev.maestro.core.dispatch;

import dev.maestro.core.continuation.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Dispatch with failover: tries a tier's routes in order, skipping providers that are not
 * configured or whose circuit is open, moving on after a retryable failure, and returning the first
 * answer with the skipped and failed providers recorded in {@link
 * ModelDispatch.Response#failover()} for the {@code model_call} event. A non-retryable failure (the
 * request itself is wrong) is thrown at once. One breaker per provider, shared by all tenants,
 * since health is the provider's.
 */
public final class FailoverDispatch {

  private final TierRouting routing;
  private final Map<String, ModelProvider> providers;
  private final Map<String, CircuitBreaker> breakers;

  /**
   * Dispatch over {@code providers} (by {@link ModelProvider#name()}), opening a provider's breaker
   * after {@code failureThreshold} consecutive retryable failures for {@code coolDown} on {@code
   * clock}.
   */
  public FailoverDispatch(
      TierRouting routing,
      List<ModelProvider> providers,
      int failureThreshold,
      Duration coolDown,
      Clock clock) {
    this.routing = Objects.requireNonNull(routing, "routing");
    Map<String, ModelProvider> byName = new LinkedHashMap<>();
    Map<String, CircuitBreaker> breakerByName = new LinkedHashMap<>();
    for (ModelProvider p : providers) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException("two providers named " + p.name());
      }
      breakerByName.put(p.name(), new CircuitBreaker(failureThreshold, coolDown, clock));
    }
    this.providers = Map.copyOf(byName);
    this.breakers = Map.copyOf(breakerByName);
  }

  /** The port for one tenant's calls. */
  public ModelDispatch forTenant(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return request -> call(tenant, request);
  }

  /** The breaker of {@code provider}, for health reporting. */
  public CircuitBreaker.State breakerState(String provider) {
    CircuitBreaker breaker = breakers.get(provider);
    if (breaker == null) {
      throw new IllegalArgumentException("no provider named " + provider);
    }
    return breaker.state();
  }

  /** Calls {@code request.tier()}'s routes for {@code tenant} in order until one answers. */
  public ModelDispatch.Response call(TenantId tenant, ModelDispatch.Request request) {
    List<String> failover = new ArrayList<>();
    for (TierRouting.Route route : routing.routes(tenant, request.tier())) {
      ModelProvider provider = providers.get(route.provider());
      if (provider == null) {
        failover.add(route.provider() + ":not-configured");
        continue;
      }
      CircuitBreaker breaker = breakers.get(route.provider());
      if (!breaker.tryAcquire()) {
        failover.add(route.provider() + ":circuit-open");
        continue;
      }
      try {
        ModelDispatch.Response response = provider.complete(route.modelId(), request);
        breaker.recordSuccess();
        return response.withFailover(failover);
      } catch (ProviderException e) {
        if (!e.retryable()) {
          breaker.recordNeutral();
          throw e;
        }
        breaker.recordFailure();
        failover.add(e.failoverEntry());
      }
    }
    throw new DispatchFailedException(request.tier(), failover);
  }
}
