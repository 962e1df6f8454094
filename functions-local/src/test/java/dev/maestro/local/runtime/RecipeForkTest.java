package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.ContinuationStore;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.tick.Children;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.core.time.ManualClock;
import dev.maestro.core.wake.Wake;
import dev.maestro.local.store.SqliteSubstrate;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forks a recipe emits during a tick: the children come into being exactly once, with ids derived
 * from the parent and the fork event's sequence, even when the worker dies between appending the
 * {@code fork} events and creating the children (the recovery sweep's reconcile repairs it).
 */
class RecipeForkTest {

  private static final Principal ALICE = new Principal(TenantId.of("acme"), "alice", Set.of());

  @TempDir Path dir;
  private SqliteSubstrate store;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private ContinuationService service;

  /** Forks two sub-goals of a quarter dollar each (or {@code each} dollars), then completes. */
  private record ForkingRecipe(BigDecimal each) implements Recipe {
    @Override
    public String name() {
      return "forking";
    }

    @Override
    public StepResult step(StepContext context) {
      if (!context.continuation().lineage().parents().isEmpty()) {
        return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
      }
      context.fork(BudgetLimits.ofUsd(each, 0), "sub-goal one", null);
      context.fork(BudgetLimits.ofUsd(each, 0), "sub-goal two", null);
      return new StepResult.Complete(
          JsonNodeFactory.instance.objectNode().put("forked", 2),
          JsonNodeFactory.instance.objectNode().put("phase", "forked"));
    }
  }

  @BeforeEach
  void open() {
    store = SqliteSubstrate.open(dir.resolve("fork.db"));
    service = new ContinuationService(store.substrate(), clock, new SecureRandom());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void givenARecipeThatForks_whenItsTickRuns_thenEachChildExistsOnceWithADerivedId() {
    ContinuationRef parent = create();

    engine(store.substrate(), new BigDecimal("0.25")).deliver(parent, start());

    List<EventEnvelope> log = service.events(ALICE, parent.id(), 0, 100);
    List<EventEnvelope> forks = forks(log);
    assertThat(forks).hasSize(2);
    for (EventEnvelope fork : forks) {
      var f = (EventPayload.Forked) fork.payload();
      assertThat(f.child()).isEqualTo(Children.derivedChildId(parent.id(), fork.sequence()));
      Continuation child = service.get(ALICE, f.child()).continuation();
      assertThat(child.status()).isEqualTo(Status.CREATED);
      assertThat(child.lineage().parents()).containsExactly(parent.id());
      assertThat(child.goalFrame().objective()).startsWith("sub-goal");
      assertThat(child.budget().limits().maxUsd()).isEqualByComparingTo("0.25");
    }
    Continuation after = service.get(ALICE, parent.id()).continuation();
    assertThat(after.status()).isEqualTo(Status.COMPLETED);
    assertThat(after.budget().limits().maxUsd()).isEqualByComparingTo("0.5");
  }

  @Test
  void givenAWorkerThatDiesAfterAppendingForks_whenReconciled_thenTheChildrenAreCreatedOnce() {
    ContinuationRef parent = create();
    var dying = new AtomicInteger(1);
    Substrate crashing =
        new Substrate(
            new DyingOnForkChild(store.substrate().continuations(), dying),
            store.substrate().events(),
            store.substrate().scheduler(),
            store.substrate().idempotency());

    assertThatThrownBy(() -> engine(crashing, new BigDecimal("0.25")).deliver(parent, start()))
        .hasMessageContaining("worker died");

    List<EventEnvelope> forks = forks(service.events(ALICE, parent.id(), 0, 100));
    assertThat(forks).hasSize(2);
    List<ContinuationId> children =
        forks.stream().map(e -> ((EventPayload.Forked) e.payload()).child()).toList();
    assertThat(children)
        .allSatisfy(
            c -> assertThat(store.substrate().continuations().find(ALICE.tenant(), c)).isEmpty());
    assertThat(
            store
                .substrate()
                .continuations()
                .find(ALICE.tenant(), parent.id())
                .orElseThrow()
                .status()
                .isTerminal())
        .as("the snapshot lags, so the recovery sweep still visits the parent")
        .isFalse();
    assertThat(store.substrate().continuations().scanUnfinished(null, 100)).contains(parent);

    TickEngine engine = engine(store.substrate(), new BigDecimal("0.25"));
    engine.reconcile(parent);
    engine.reconcile(parent);

    for (ContinuationId child : children) {
      Continuation c = service.get(ALICE, child).continuation();
      assertThat(c.lastSequence()).isEqualTo(1);
      assertThat(c.lineage().parents()).containsExactly(parent.id());
    }
    assertThat(forks(service.events(ALICE, parent.id(), 0, 100))).hasSize(2);
    assertThat(
            store
                .substrate()
                .continuations()
                .find(ALICE.tenant(), parent.id())
                .orElseThrow()
                .status())
        .isEqualTo(Status.COMPLETED);
  }

  @Test
  void givenAForkBeyondTheRemainingBudget_whenTheTickRuns_thenTheStepFailsAndNoChildExists() {
    ContinuationRef parent = create();

    engine(store.substrate(), new BigDecimal("0.6")).deliver(parent, start());

    List<EventEnvelope> log = service.events(ALICE, parent.id(), 0, 100);
    assertThat(forks(log)).isEmpty();
    assertThat(log.getLast().payload())
        .isInstanceOfSatisfying(
            EventPayload.Failed.class, f -> assertThat(f.message()).contains("maxUsd"));
    assertThat(service.get(ALICE, parent.id()).continuation().status()).isEqualTo(Status.FAILED);
  }

  // ---- helpers ----

  private ContinuationRef create() {
    var goal = GoalFrame.of("fork test", BudgetLimits.ofUsd(BigDecimal.ONE, 0), "forking", null);
    Continuation c = service.create(ALICE, goal, null).continuation();
    return new ContinuationRef(c.tenant(), c.id());
  }

  private TickEngine engine(Substrate substrate, BigDecimal each) {
    return new TickEngine(
        substrate,
        Recipes.of(new ForkingRecipe(each)),
        clock,
        "w1",
        Duration.ofSeconds(10),
        Observability.NONE,
        new SecureRandom());
  }

  private Wake start() {
    return Wake.timer(ContinuationService.START_TIMER, clock.instant());
  }

  private static List<EventEnvelope> forks(List<EventEnvelope> log) {
    return log.stream().filter(e -> e.payload() instanceof EventPayload.Forked).toList();
  }

  /** The real store, except that creating a fork's child fails while {@code deaths} lasts. */
  private record DyingOnForkChild(ContinuationStore store, AtomicInteger deaths)
      implements ContinuationStore {
    @Override
    public void create(Continuation initial, EventEnvelope spawn) {
      if (((EventPayload.Spawn) spawn.payload()).forkedFrom() != null
          && deaths.getAndDecrement() > 0) {
        throw new IllegalStateException("worker died before creating " + initial.id());
      }
      store.create(initial, spawn);
    }

    @Override
    public Optional<Continuation> find(TenantId tenant, ContinuationId id) {
      return store.find(tenant, id);
    }

    @Override
    public void saveSnapshot(Continuation snapshot, long fence) {
      store.saveSnapshot(snapshot, fence);
    }

    @Override
    public Lease acquireLease(
        TenantId tenant, ContinuationId id, String holder, Duration ttl, Instant now) {
      return store.acquireLease(tenant, id, holder, ttl, now);
    }

    @Override
    public Lease renewLease(
        TenantId tenant, ContinuationId id, Lease lease, Duration ttl, Instant now) {
      return store.renewLease(tenant, id, lease, ttl, now);
    }

    @Override
    public void releaseLease(TenantId tenant, ContinuationId id, Lease lease) {
      store.releaseLease(tenant, id, lease);
    }

    @Override
    public Optional<Lease> currentLease(TenantId tenant, ContinuationId id) {
      return store.currentLease(tenant, id);
    }

    @Override
    public List<ContinuationRef> scanUnfinished(ContinuationRef after, int limit) {
      return store.scanUnfinished(after, limit);
    }
  }
}
