package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.lifecycle.ForkRequest;
import dev.maestro.core.lifecycle.MergeFunctions;
import dev.maestro.core.lifecycle.MergeRequest;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.time.ManualClock;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Budgets over random fork and merge trees (BRIEF §9, §11), on the real SQLite store: whatever
 * sequence of forks (from the head or a past event), merges and charges runs, the limits across the
 * tree add up to the root's (carving moves budget, it never creates any), no continuation's spend
 * passes its own limit, a refused carve writes nothing, and every state is the fold of its log.
 */
class LineageBudgetPropertiesTest {

  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static final BigDecimal ROOT_USD = new BigDecimal("10");

  /** One step of a random history; indexes pick among the continuations that exist so far. */
  sealed interface Op {
    record Fork(int node, int percentOfRemaining, int pastPercent) implements Op {}

    record Merge(int a, int b, int percentA, int percentB) implements Op {}

    record Charge(int node, int percentOfRemaining) implements Op {}
  }

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<Integer> node = Arbitraries.integers().between(0, 1000);
    Arbitrary<Integer> percent = Arbitraries.integers().between(0, 130);
    Arbitrary<Op> fork =
        Combinators.combine(node, percent, Arbitraries.integers().between(0, 100)).as(Op.Fork::new);
    Arbitrary<Op> merge = Combinators.combine(node, node, percent, percent).as(Op.Merge::new);
    Arbitrary<Op> charge = Combinators.combine(node, percent).as(Op.Charge::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, fork),
            net.jqwik.api.Tuple.of(2, merge),
            net.jqwik.api.Tuple.of(4, charge))
        .list()
        .ofMinSize(1)
        .ofMaxSize(25);
  }

  @Property(tries = 40)
  void givenRandomForksMergesAndCharges_whenFolded_thenLimitsAddUpAndNoSpendPassesItsLimit(
      @ForAll("histories") List<Op> history) {
    Path dir = tempDir();
    try (SqliteSubstrate store = SqliteSubstrate.open(dir.resolve("tree.db"))) {
      var clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
      var service =
          new ContinuationService(
              store.substrate(),
              clock,
              new Random(history.hashCode()),
              dev.maestro.core.substrate.Observability.NONE,
              MergeFunctions.builtIn());
      var goal = GoalFrame.of("tree", BudgetLimits.ofUsd(ROOT_USD, 0), "noop", null);
      var nodes = new ArrayList<ContinuationId>();
      nodes.add(service.create(ALICE, goal, null).continuation().id());

      for (Op op : history) {
        clock.advance(Duration.ofMillis(1));
        switch (op) {
          case Op.Fork f -> {
            ContinuationId parent = nodes.get(f.node() % nodes.size());
            Continuation state = current(store, parent);
            long at = 1 + (state.lastSequence() - 1) * f.pastPercent() / 100;
            var carve = share(state, f.percentOfRemaining());
            int before = log(store, parent).size();
            try {
              nodes.add(
                  service
                      .fork(ALICE, parent, new ForkRequest(at, carve, null, null), null, null)
                      .continuation()
                      .id());
              assertThat(carve.maxUsd()).isLessThanOrEqualTo(state.budget().remainingUsd());
            } catch (InvalidInputException refused) {
              assertThat(carve.maxUsd()).isGreaterThan(state.budget().remainingUsd());
              assertThat(log(store, parent)).hasSize(before);
            }
          }
          case Op.Merge m -> {
            ContinuationId a = nodes.get(m.a() % nodes.size());
            ContinuationId b = nodes.get(m.b() % nodes.size());
            if (a.equals(b)) continue;
            var shares = new LinkedHashMap<ContinuationId, BudgetLimits>();
            shares.put(a, share(current(store, a), m.percentA()));
            shares.put(b, share(current(store, b), m.percentB()));
            int before = log(store, a).size() + log(store, b).size();
            try {
              nodes.add(
                  service
                      .merge(
                          ALICE,
                          new MergeRequest(List.of(a, b), "concat", shares, "merged", null),
                          null,
                          null)
                      .continuation()
                      .id());
            } catch (InvalidInputException refused) {
              assertThat(log(store, a).size() + log(store, b).size()).isEqualTo(before);
            }
          }
          case Op.Charge c -> charge(store, nodes.get(c.node() % nodes.size()), c, clock.instant());
        }
      }

      BigDecimal total = BigDecimal.ZERO;
      for (ContinuationId id : nodes) {
        List<EventEnvelope> log = log(store, id);
        Continuation folded = ContinuationFold.fold(log);
        assertThat(current(store, id)).as("fold(events) = state").isEqualTo(folded);
        assertThat(folded.budget().spent().usd())
            .as("%s spends within its own limit", id)
            .isLessThanOrEqualTo(folded.budget().limits().maxUsd());
        total = total.add(folded.budget().limits().maxUsd());
      }
      assertThat(total).as("the limits across the tree").isEqualByComparingTo(ROOT_USD);
    } finally {
      delete(dir);
    }
  }

  /** {@code percent} of what {@code state} may still spend (above 100: more than it has). */
  private static BudgetLimits share(Continuation state, int percent) {
    BigDecimal usd =
        state
            .budget()
            .remainingUsd()
            .multiply(BigDecimal.valueOf(percent))
            .divide(BigDecimal.valueOf(100), 6, RoundingMode.DOWN);
    return new BudgetLimits(usd, usd, 0);
  }

  /**
   * Charges a share of what the continuation may still spend, under its lease, as the budget ledger
   * would let it: a call whose cost would cross the hard cap is never made.
   */
  private static void charge(SqliteSubstrate store, ContinuationId id, Op.Charge c, Instant now) {
    Continuation state = current(store, id);
    BigDecimal usd =
        state
            .budget()
            .remainingUsd()
            .multiply(BigDecimal.valueOf(c.percentOfRemaining()))
            .divide(BigDecimal.valueOf(100), 6, RoundingMode.DOWN);
    if (state.budget().wouldExceed(usd)) return;
    Lease lease =
        store
            .substrate()
            .continuations()
            .acquireLease(ALICE.tenant(), id, "charger", Duration.ofSeconds(30), now);
    try {
      EventEnvelope e =
          EventEnvelope.seal(
              id,
              ALICE.tenant(),
              lease.generation(),
              state.lastSequence() + 1,
              state.updatedAt().plusNanos(1000),
              id.traceId(),
              "0000000000000001",
              Runtime.MAESTRO,
              new EventPayload.BudgetCharged("call-" + state.lastSequence(), usd, 10, 5, "test"),
              state.lastHash());
      store.substrate().events().append(ALICE.tenant(), id, lease.generation(), List.of(e));
    } finally {
      store.substrate().continuations().releaseLease(ALICE.tenant(), id, lease);
    }
  }

  private static Continuation current(SqliteSubstrate store, ContinuationId id) {
    return EventLog.catchUp(
        store.substrate().events(),
        store.substrate().continuations().find(ALICE.tenant(), id).orElseThrow());
  }

  private static List<EventEnvelope> log(SqliteSubstrate store, ContinuationId id) {
    return EventLog.readAfter(store.substrate().events(), ALICE.tenant(), id, 0);
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("lineage-props");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
