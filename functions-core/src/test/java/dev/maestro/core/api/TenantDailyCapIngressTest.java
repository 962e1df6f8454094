package dev.maestro.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetAlert;
import dev.maestro.core.budget.BudgetLedger.Reservation;
import dev.maestro.core.budget.BudgetLedger.Spender;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.BudgetWatch;
import dev.maestro.core.budget.InMemoryBudgetLedger;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.BudgetExceededException;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.security.Principal;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tenant daily cap at API ingress (BRIEF §9): at 100% of the tenant's day (settled plus
 * reserved) a request that would start work gets 429 with {@code Retry-After} until UTC midnight
 * and writes nothing; below it the request proceeds; kills and reads always proceed.
 */
class TenantDailyCapIngressTest {

  static final TenantId ACME = TenantId.of("acme");
  static final String GOAL =
      """
      {"objective": "Evidence brief on rumen-protected choline", "budget": {"maxUsd": 2}}""";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T21:30:00.250Z"));
  private final InMemoryBudgetLedger ledger =
      new InMemoryBudgetLedger(clock, Duration.ofMinutes(5));
  private final MemorySubstrate store = new MemorySubstrate();
  private final ApiRouter router =
      new ApiRouter(
          new ContinuationService(store.substrate(), clock, new SplittableRandom(1)),
          header ->
              new Principal(
                  TenantId.of(header.substring("Bearer ".length())), "ana", java.util.Set.of()),
          Recipes.builtIn(),
          new InMemoryPolicyStore(),
          clock,
          TenantDailyCap.of(ledger, clock));

  private ApiResponse post(String path, String tenant, String json) {
    return router.handle(
        new ApiRequest(
            "POST",
            path,
            Map.of(),
            Map.of(
                "Authorization", List.of("Bearer " + tenant),
                "Content-Type", List.of("application/json")),
            json.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode json(ApiResponse response) {
    return Json.readDocument(new String(response.body(), StandardCharsets.UTF_8));
  }

  private void spend(TenantId tenant, String usd, boolean settle) {
    ContinuationId id = ContinuationId.of("0190f0a0-0000-7000-8000-000000000001");
    Reservation r = ledger.reserve(new Spender(id, id, tenant), new BigDecimal(usd), 0);
    if (settle) ledger.settle(r, new BigDecimal(usd), 0);
  }

  @Test
  void givenSpendBelowTheDailyCap_whenAContinuationIsCreated_thenItIs201() {
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("10"), 0));
    spend(ACME, "9.99", true);

    ApiResponse response = post("/continuations", "acme", GOAL);

    assertThat(response.status()).isEqualTo(201);
    assertThat(store.created).hasSize(1);
    assertThat(store.registered).hasSize(1);
  }

  @Test
  void
      givenSettledAndReservedSpendAtTheDailyCap_whenAContinuationIsCreated_thenItIs429AndNothingIsWritten() {
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("10"), 0));
    spend(ACME, "6.00", true);
    spend(ACME, "4.00", false); // reserved counts too

    ApiResponse response = post("/continuations", "acme", GOAL);

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.header("Content-Type")).isEqualTo(ApiResponse.PROBLEM_JSON);
    // 21:30:00.250 to midnight, rounded up to whole seconds.
    assertThat(response.header("Retry-After")).isEqualTo(Long.toString(2 * 3600 + 30 * 60));
    JsonNode problem = json(response);
    assertThat(problem.path("type").asText())
        .isEqualTo(Problems.TYPE_PREFIX + ApiRouter.DAILY_CAP_PROBLEM);
    assertThat(problem.path("status").asInt()).isEqualTo(429);
    assertThat(problem.path("detail").asText())
        .contains("daily budget cap", "acme", "2026-11-23", "$10");
    assertThat(problem.path("instance").asText()).isEqualTo("/continuations");
    assertThat(store.created).isEmpty();
    assertThat(store.registered).isEmpty();
    assertThat(store.claims).isEmpty();
  }

  @Test
  void givenAnotherTenantAtItsCap_whenThisTenantCreates_thenItProceeds() {
    TenantId globex = TenantId.of("globex");
    ledger.limitTenantDaily(globex, BudgetLimits.ofUsd(new BigDecimal("1"), 0));
    spend(globex, "1", true);

    assertThat(post("/continuations", "acme", GOAL).status()).isEqualTo(201);
    assertThat(post("/continuations", "globex", GOAL).status()).isEqualTo(429);
  }

  @Test
  void givenATenantWithoutADailyCap_whenItCreates_thenItProceeds() {
    spend(ACME, "1000", true);

    assertThat(post("/continuations", "acme", GOAL).status()).isEqualTo(201);
  }

  @Test
  void givenTheCapReached_whenUtcMidnightPasses_thenTheNewDayAcceptsWorkAgain() {
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("1"), 0));
    spend(ACME, "1", true);
    assertThat(post("/continuations", "acme", GOAL).status()).isEqualTo(429);

    clock.advanceTo(Instant.parse("2026-11-24T00:00:00Z"));

    assertThat(post("/continuations", "acme", GOAL).status()).isEqualTo(201);
  }

  @Test
  void givenTheCapReached_whenAnInvalidCreateArrives_thenValidationStillAnswersFirst() {
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("1"), 0));
    spend(ACME, "1", true);

    assertThat(post("/continuations", "acme", "{}").status()).isEqualTo(400);
  }

  @Test
  void givenTheCapReached_whenAnApproveSignalArrives_thenItIs429ButAKillStillProceeds() {
    ApiResponse created = post("/continuations", "acme", GOAL);
    String id = json(created).path("id").asText();
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("1"), 0));
    spend(ACME, "1", true);
    int wakes = store.registered.size();

    ApiResponse approve =
        post("/continuations/" + id + "/signals", "acme", "{\"kind\":\"approve\"}");
    ApiResponse redirect =
        post(
            "/continuations/" + id + "/signals",
            "acme",
            "{\"kind\":\"redirect\",\"body\":{\"objective\":\"elsewhere\"}}");

    assertThat(approve.status()).isEqualTo(429);
    assertThat(redirect.status()).isEqualTo(429);
    assertThat(store.registered).hasSize(wakes);
    ApiResponse kill = post("/continuations/" + id + "/signals", "acme", "{\"kind\":\"kill\"}");
    assertThat(kill.status()).isEqualTo(202);
    assertThat(
            router
                .handle(
                    ApiRequest.of(
                        "GET",
                        "/continuations/" + id,
                        Map.of("Authorization", List.of("Bearer acme"))))
                .status())
        .isEqualTo(200);
  }

  @Test
  void
      givenConcurrentSettlements_whenTheTenantDayCrossesEachThreshold_thenEachAlertIsRaisedExactlyOnce()
          throws Exception {
    ledger.limitTenantDaily(ACME, BudgetLimits.ofUsd(new BigDecimal("2.00"), 0));
    var raised = new ConcurrentLinkedQueue<BudgetAlert>();
    var watch = new BudgetWatch(ledger, raised::add, clock);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      var start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        ContinuationId id = ContinuationId.of(String.format("0190f0a0-0000-7000-8000-%012d", t));
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 10; i++) {
                    Reservation r;
                    try {
                      r = watch.reserve(new Spender(id, id, ACME), new BigDecimal("0.03"), 0);
                    } catch (BudgetExceededException full) {
                      return null;
                    }
                    watch.settle(r, new BigDecimal("0.03"), 0);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    // 80 calls at $0.03: $2.40 wanted, $1.98 fits, so 50% and 80% are crossed; 100% never is.
    assertThat(raised).extracting(BudgetAlert::thresholdPercent).containsExactlyInAnyOrder(50, 80);
    spend(ACME, "0.02", false);
    Reservation last =
        watch.reserve(
            new Spender(
                ContinuationId.of("0190f0a0-0000-7000-8000-0000000000ff"),
                ContinuationId.of("0190f0a0-0000-7000-8000-0000000000ff"),
                ACME),
            BigDecimal.ZERO,
            0);
    watch.release(last);
    assertThat(raised)
        .extracting(BudgetAlert::thresholdPercent)
        .containsExactlyInAnyOrder(50, 80, 100);
    assertThat(ledger.alerts(ACME, LocalDate.parse("2026-11-23"))).hasSize(3);
    assertThat(post("/continuations", "acme", GOAL).status()).isEqualTo(429);
  }
}
