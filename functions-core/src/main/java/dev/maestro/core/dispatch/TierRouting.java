package dev.maestro.core.dispatch;

import dev.maestro.core.continuation.TenantId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which provider model ids serve a tier, in failover order, per tenant: a tenant's own table where
 * it has one for the tier, otherwise the defaults. The defaults follow BRIEF §9's order (Bedrock,
 * then Foundry, then Anthropic direct) and send tier {@code local} to the offline provider.
 */
public record TierRouting(
    Map<String, List<Route>> defaults, Map<TenantId, Map<String, List<Route>>> tenants) {

  /** One provider and the model id (or deployment name) it is asked for. */
  public record Route(String provider, String modelId) {
    public Route {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(modelId, "modelId");
    }
  }

  public TierRouting {
    defaults = copy(defaults);
    tenants =
        Map.copyOf(
            tenants.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> copy(e.getValue()))));
  }

  /**
   * The shipped defaults. Foundry deployment names are chosen at deploy time; these are the names
   * the deployment templates give them.
   */
  public static TierRouting standard() {
    return new TierRouting(
        Map.of(
            "haiku",
            List.of(
                new Route("bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0"),
                new Route("foundry", "maestro-haiku"),
                new Route("anthropic", "claude-3-5-haiku-20241022")),
            "sonnet",
            List.of(
                new Route("bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"),
                new Route("foundry", "maestro-sonnet"),
                new Route("anthropic", "claude-sonnet-4-20250514")),
            "opus",
            List.of(
                new Route("bedrock", "anthropic.claude-opus-4-20250514-v1:0"),
                new Route("foundry", "maestro-opus"),
                new Route("anthropic", "claude-opus-4-20250514")),
            "local",
            List.of(new Route(LocalProvider.NAME, LocalProvider.MODEL_ID))),
        Map.of());
  }

  /** These routes with {@code tenant}'s table for {@code tier} replaced by {@code routes}. */
  public TierRouting withTenantRoutes(TenantId tenant, String tier, List<Route> routes) {
    var tenantTable = new HashMap<>(tenants.getOrDefault(tenant, Map.of()));
    tenantTable.put(tier, routes);
    var all = new HashMap<>(tenants);
    all.put(tenant, tenantTable);
    return new TierRouting(defaults, all);
  }

  /**
   * These routes with {@code lastResort} appended to every tier's list (default and tenant tables)
   * that does not already end with it: with {@link LocalProvider}'s route, every tier still answers
   * when no cloud or keyed provider is configured, and the {@code model_call} events say which
   * providers were skipped.
   */
  public TierRouting withLastResort(Route lastResort) {
    Objects.requireNonNull(lastResort, "lastResort");
    return new TierRouting(
        appended(defaults, lastResort),
        tenants.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> appended(e.getValue(), lastResort))));
  }

  private static Map<String, List<Route>> appended(Map<String, List<Route>> table, Route last) {
    var out = new HashMap<String, List<Route>>();
    table.forEach(
        (tier, routes) -> {
          if (!routes.isEmpty() && routes.get(routes.size() - 1).equals(last)) {
            out.put(tier, routes);
          } else {
            var extended = new java.util.ArrayList<>(routes);
            extended.add(last);
            out.put(tier, extended);
          }
        });
    return out;
  }

  /** The routes for {@code tier} under {@code tenant}, in failover order; empty if none. */
  public List<Route> routes(TenantId tenant, String tier) {
    List<Route> own = tenants.getOrDefault(tenant, Map.of()).get(tier);
    return own != null ? own : defaults.getOrDefault(tier, List.of());
  }

  private static Map<String, List<Route>> copy(Map<String, List<Route>> table) {
    return Map.copyOf(
        table.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
  }
}
