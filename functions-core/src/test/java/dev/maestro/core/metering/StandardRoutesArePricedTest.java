package dev.maestro.core.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.TierRouting;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every provider/model the standard tier routing can dispatch to has a price in the default price
 * table, so no call is made that metering could not charge.
 */
class StandardRoutesArePricedTest {

  @Test
  void givenTheStandardRoutes_whenLookedUpInTheDefaultPriceTable_thenEveryRouteIsPriced() {
    PriceTable prices = PriceTable.defaultTable();
    TierRouting routing = TierRouting.standard();
    TenantId anyTenant = TenantId.of("acme");

    for (String tier : List.of("haiku", "sonnet", "opus", "local")) {
      List<TierRouting.Route> routes = routing.routes(anyTenant, tier);
      assertThat(routes).as("routes of " + tier).isNotEmpty();
      for (TierRouting.Route route : routes) {
        assertThat(prices.priced(route.provider(), route.modelId()))
            .as(route.provider() + "/" + route.modelId() + " (" + tier + ")")
            .isTrue();
      }
    }
  }
}
