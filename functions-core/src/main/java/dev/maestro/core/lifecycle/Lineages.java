package dev.maestro.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import dev.maestro.core.error.LeaseHeldException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.json.Json;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.IdempotencyStore;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.tick.Children;
import dev.maestro.core.tick.Recipes;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Fork, merge and lineage queries (BRIEF §11, ADR-0013), behind {@link ContinuationService}.
 *
 * <p>Every change to an existing continuation is an event appended under its lease: a fork appends
 * a {@code fork} event to the parent, a merge a {@code merge} event to each source, and the fold
 * carves the child's budget out of theirs. The events are appended before the child is created, so
 * a crash can only leave a carve whose child is missing (never a child whose budget was not
 * carved): {@link Children#repair} creates a fork's child from its event, and a retry with the same
 * Idempotency-Key finishes a fork or a merge.
 */
final class Lineages {

  /** The lease a fork or merge holds on a parent or source while it appends. */
  static final Duration LEASE_TTL = Duration.ofSeconds(5);

  /** The holder name of that lease. */
  static final String HOLDER = "lineage";

  /** The most ancestors a lineage query walks. */
  static final int MAX_ANCESTORS = 1000;

  private final Substrate substrate;
  private final Clock clock;
  private final RandomGenerator random;
  private final Observability observability;
  private final Children children;
  private final MergeFunctions mergeFunctions;

  Lineages(
      Substrate substrate,
      Clock clock,
      RandomGenerator random,
      Observability observability,
      MergeFunctions mergeFunctions) {
    this.substrate = substrate;
    this.clock = clock;
    this.random = random;
    this.observability = observability;
    this.children = new Children(substrate, clock, random, observability);
    this.mergeFunctions = mergeFunctions;
  }

  MergeFunctions mergeFunctions() {
    return mergeFunctions;
  }

  // ---- fork ----

  CreateResult fork(
      Principal caller,
      ContinuationId parentId,
      ForkRequest request,
      String idempotencyKey,
      Recipes recipes) {
    TenantId tenant = caller.tenant();
    Continuation parent = current(tenant, parentId);
    ContinuationId childId = ContinuationId.newId(now(), random);
    if (idempotencyKey != null) {
      // The key names the child, so a retry is recognised before the parent's budget, already
      // carved by the first attempt, is checked again.
      childId = keyedId(tenant, "fork", idempotencyKey);
      var fingerprint =
          Json.canonicalSha256(
              Map.of("fork", parentId.value(), "request", Json.toTree(request).toString()));
      boolean retry =
          parent.lineage().children().contains(childId)
              || substrate.continuations().find(tenant, childId).isPresent();
      if (!retry) checkFork(parent, request, recipes);
      childId = claim(tenant, idempotencyKey, fingerprint, childId);
      Optional<Continuation> done = substrate.continuations().find(tenant, childId);
      if (done.isPresent()) return new CreateResult(catchUp(done.get()), true);
    } else {
      checkFork(parent, request, recipes);
    }
    var ref = new ContinuationRef(tenant, parentId);
    Lease lease = lease(ref);
    try {
      Continuation state = current(tenant, parentId);
      EventEnvelope fork = findFork(ref, childId, state);
      if (fork == null) {
        checkFork(state, request, recipes); // under the lease: nothing else spends meanwhile
        long at = request.atSequence() == null ? state.lastSequence() : request.atSequence();
        var payload =
            new EventPayload.Forked(
                childId, at, request.budget(), request.objective(), request.parameters());
        fork = append(ref, state, lease, payload);
        state = ContinuationFold.apply(state, fork);
      }
      children.ensureForkChild(ref, fork);
      substrate.continuations().saveSnapshot(state, lease.generation());
    } finally {
      substrate.continuations().releaseLease(tenant, parentId, lease);
    }
    return new CreateResult(current(tenant, childId), false);
  }

  private void checkFork(Continuation parent, ForkRequest request, Recipes recipes) {
    var errors = new ArrayList<FieldError>();
    if (request.atSequence() != null
        && (request.atSequence() < 1 || request.atSequence() > parent.lastSequence())) {
      errors.add(
          new FieldError(
              "/atSequence",
              "must be between 1 and the parent's last sequence, " + parent.lastSequence()));
    }
    Children.carveProblems(parent.budget(), request.budget())
        .forEach((field, detail) -> errors.add(new FieldError("/budget/" + field, detail)));
    if (request.parameters() != null) {
      parameterProblems(
          recipes, parent.goalFrame().recipe(), request.parameters(), "/goal", errors);
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
  }

  /**
   * The {@code fork} event naming {@code child} in the parent's log, if a first attempt made it.
   */
  private EventEnvelope findFork(ContinuationRef ref, ContinuationId child, Continuation state) {
    if (!state.lineage().children().contains(child)) return null;
    for (EventEnvelope e : EventLog.readAfter(substrate.events(), ref.tenant(), ref.id(), 0)) {
      if (e.payload() instanceof EventPayload.Forked f && f.child().equals(child)) return e;
    }
    return null;
  }

  // ---- merge ----

  CreateResult merge(
      Principal caller, MergeRequest request, String idempotencyKey, Recipes recipes) {
    TenantId tenant = caller.tenant();
    MergeFunction function = checkMergeShape(request);
    var states = new LinkedHashMap<ContinuationId, Continuation>();
    var errors = new ArrayList<FieldError>();
    for (int i = 0; i < request.sources().size(); i++) {
      ContinuationId id = request.sources().get(i);
      Optional<Continuation> found = substrate.continuations().find(tenant, id);
      if (found.isEmpty()) {
        errors.add(new FieldError("/sources/" + i, "no such continuation"));
      } else {
        states.put(id, catchUp(found.get()));
      }
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
    Continuation first = states.get(request.sources().get(0));
    ContinuationId childId =
        idempotencyKey == null
            ? ContinuationId.newId(now(), random)
            : keyedId(tenant, "merge", idempotencyKey);
    var carved = new HashSet<ContinuationId>();
    for (var source : states.entrySet()) {
      if (source.getValue().lineage().children().contains(childId)) carved.add(source.getKey());
    }
    checkCarves(states, request, carved); // a retry's carved sources are not checked again
    if (request.parameters() != null) {
      parameterProblems(recipes, first.goalFrame().recipe(), request.parameters(), "/goal", errors);
      if (!errors.isEmpty()) throw new InvalidInputException(errors);
    }
    if (idempotencyKey != null) {
      String fingerprint = Json.canonicalSha256(Map.of("merge", Json.toTree(request).toString()));
      childId = claim(tenant, idempotencyKey, fingerprint, childId);
      Optional<Continuation> done = substrate.continuations().find(tenant, childId);
      if (done.isPresent()) return new CreateResult(catchUp(done.get()), true);
    }

    // Leases in id order, so two merges of overlapping sources cannot deadlock each other.
    var leases = new LinkedHashMap<ContinuationId, Lease>();
    try {
      for (ContinuationId id : request.sources().stream().sorted().toList()) {
        leases.put(id, lease(new ContinuationRef(tenant, id)));
      }
      var merged = new LinkedHashSet<ContinuationId>();
      for (ContinuationId id : request.sources()) {
        Continuation state = current(tenant, id);
        states.put(id, state);
        if (state.lineage().children().contains(childId)) merged.add(id);
      }
      checkCarves(states, request, merged);

      var points = new ArrayList<ForkPoint>();
      var inputs = new ArrayList<MergeFunction.Source>();
      for (ContinuationId id : request.sources()) {
        var ref = new ContinuationRef(tenant, id);
        Continuation at =
            merged.contains(id)
                ? children.stateAt(ref, mergeSequence(ref, childId) - 1)
                : states.get(id);
        points.add(new ForkPoint(id, at.lastSequence()));
        inputs.add(new MergeFunction.Source(id, at.workingState()));
      }
      for (ContinuationId id : request.sources()) {
        if (merged.contains(id)) continue;
        var ref = new ContinuationRef(tenant, id);
        Continuation state = states.get(id);
        var payload =
            new EventPayload.Merged(
                request.sources(), function.name(), childId, request.budgets().get(id));
        EventEnvelope event = append(ref, state, leases.get(id), payload);
        substrate
            .continuations()
            .saveSnapshot(ContinuationFold.apply(state, event), leases.get(id).generation());
      }
      GoalFrame goal =
          Children.withBudget(
              first.goalFrame(), sum(request), request.objective(), request.parameters());
      var lineage = new Lineage(request.sources(), List.of(), first.lineage().root());
      children.create(
          tenant, childId, goal, lineage, function.merge(inputs), null, points, function.name());
    } finally {
      leases.forEach((id, lease) -> substrate.continuations().releaseLease(tenant, id, lease));
    }
    return new CreateResult(current(tenant, childId), false);
  }

  private MergeFunction checkMergeShape(MergeRequest request) {
    var errors = new ArrayList<FieldError>();
    if (request.sources().size() < 2) {
      errors.add(new FieldError("/sources", "must name at least 2 continuations"));
    }
    var seen = new HashSet<ContinuationId>();
    for (int i = 0; i < request.sources().size(); i++) {
      if (!seen.add(request.sources().get(i))) {
        errors.add(new FieldError("/sources/" + i, "is listed twice"));
      }
    }
    for (ContinuationId id : request.sources()) {
      if (!request.budgets().containsKey(id)) {
        errors.add(new FieldError("/budget/" + id.value(), "is required for every source"));
      }
    }
    for (ContinuationId id : request.budgets().keySet()) {
      if (!seen.contains(id)) {
        errors.add(new FieldError("/budget/" + id.value(), "is not one of the sources"));
      }
    }
    Optional<MergeFunction> function = mergeFunctions.find(request.mergeFunction());
    if (function.isEmpty()) {
      errors.add(new FieldError("/mergeFunction", "must be one of " + mergeFunctions.names()));
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
    return function.get();
  }

  private static void checkCarves(
      Map<ContinuationId, Continuation> states, MergeRequest request, Set<ContinuationId> done) {
    var errors = new ArrayList<FieldError>();
    for (ContinuationId id : request.sources()) {
      if (done.contains(id)) continue;
      Children.carveProblems(states.get(id).budget(), request.budgets().get(id))
          .forEach(
              (field, detail) ->
                  errors.add(new FieldError("/budget/" + id.value() + "/" + field, detail)));
    }
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
  }

  /** The child's limits: the sum of the sources' shares (no token cap if a share has none). */
  private static BudgetLimits sum(MergeRequest request) {
    BigDecimal max = BigDecimal.ZERO;
    BigDecimal soft = BigDecimal.ZERO;
    long tokens = 0;
    boolean uncapped = false;
    for (ContinuationId id : request.sources()) {
      BudgetLimits share = request.budgets().get(id);
      max = max.add(share.maxUsd());
      soft = soft.add(share.softUsd());
      if (share.maxTokens() == 0) uncapped = true;
      tokens += share.maxTokens();
    }
    return new BudgetLimits(max, soft, uncapped ? 0 : tokens);
  }

  private long mergeSequence(ContinuationRef ref, ContinuationId child) {
    for (EventEnvelope e : EventLog.readAfter(substrate.events(), ref.tenant(), ref.id(), 0)) {
      if (e.payload() instanceof EventPayload.Merged m && child.equals(m.child())) {
        return e.sequence();
      }
    }
    throw new IllegalStateException(ref + " has no merge event for " + child);
  }

  // ---- lineage queries ----

  LineageView lineage(Principal caller, ContinuationId id, int limit) {
    TenantId tenant = caller.tenant();
    Continuation self = current(tenant, id);
    if (children.repair(self) > 0) self = current(tenant, id);
    var ancestors = new ArrayList<LineageView.Node>();
    var seen = new HashSet<ContinuationId>(Set.of(id));
    var queue = new ArrayDeque<Map.Entry<Continuation, Integer>>();
    queue.add(Map.entry(self, 0));
    while (!queue.isEmpty() && ancestors.size() < MAX_ANCESTORS) {
      var next = queue.poll();
      for (ContinuationId p : next.getKey().lineage().parents()) {
        if (!seen.add(p)) continue;
        Optional<Continuation> parent = find(tenant, p);
        if (parent.isEmpty()) continue;
        ancestors.add(node(parent.get(), next.getValue() + 1));
        queue.add(Map.entry(parent.get(), next.getValue() + 1));
      }
    }

    var siblings = new ArrayList<LineageView.Node>();
    var seenSiblings = new HashSet<ContinuationId>(Set.of(id));
    for (ContinuationId p : self.lineage().parents()) {
      Optional<Continuation> parent = find(tenant, p);
      if (parent.isEmpty()) continue;
      for (ContinuationId s : parent.get().lineage().children()) {
        if (siblings.size() >= limit || !seenSiblings.add(s)) continue;
        find(tenant, s).ifPresent(c -> siblings.add(node(c, 0)));
      }
    }

    var descendants = new ArrayList<LineageView.Node>();
    boolean truncated = false;
    var visited = new HashSet<ContinuationId>(Set.of(id));
    var frontier = new ArrayDeque<Map.Entry<Continuation, Integer>>();
    frontier.add(Map.entry(self, 0));
    walk:
    while (!frontier.isEmpty()) {
      var next = frontier.poll();
      for (ContinuationId c : next.getKey().lineage().children()) {
        if (!visited.add(c)) continue;
        if (descendants.size() == limit) {
          truncated = true;
          break walk;
        }
        Optional<Continuation> child = find(tenant, c);
        if (child.isEmpty()) continue;
        descendants.add(node(child.get(), next.getValue() + 1));
        frontier.add(Map.entry(child.get(), next.getValue() + 1));
      }
    }
    return new LineageView(node(self, 0), ancestors, siblings, descendants, truncated);
  }

  private LineageView.Node node(Continuation c, int depth) {
    List<EventEnvelope> first = substrate.events().read(c.tenant(), c.id(), 0, 1);
    EventPayload.Spawn spawn = first.isEmpty() ? null : (EventPayload.Spawn) first.get(0).payload();
    if (spawn != null && spawn.forkedFrom() != null) {
      return new LineageView.Node(
          c.id(), c.status(), "fork", List.of(spawn.forkedFrom()), null, depth);
    }
    if (spawn != null && !spawn.mergedFrom().isEmpty()) {
      return new LineageView.Node(
          c.id(), c.status(), "merge", spawn.mergedFrom(), spawn.mergeFunction(), depth);
    }
    return new LineageView.Node(c.id(), c.status(), "root", List.of(), null, depth);
  }

  // ---- helpers ----

  /** The child id an idempotency key names: the same key of the same tenant, the same child. */
  private static ContinuationId keyedId(TenantId tenant, String operation, String key) {
    return Children.nameBasedId("maestro-" + operation + ":" + tenant.value() + ":" + key);
  }

  private ContinuationId claim(
      TenantId tenant, String key, String fingerprint, ContinuationId proposed) {
    var claim =
        substrate
            .idempotency()
            .claim(tenant, new IdempotencyStore.Claim(key, fingerprint, proposed.value(), now()));
    if (!claim.requestFingerprint().equals(fingerprint)) {
      throw new ConflictException(
          "Idempotency-Key " + key + " was already used with a different request");
    }
    return ContinuationId.of(claim.resourceId());
  }

  private Lease lease(ContinuationRef ref) {
    try {
      return substrate
          .continuations()
          .acquireLease(ref.tenant(), ref.id(), HOLDER, LEASE_TTL, now());
    } catch (LeaseHeldException held) {
      throw new ConflictException(
          "continuation " + ref.id() + " is running a tick until " + held.expiresAt() + "; retry");
    }
  }

  private EventEnvelope append(
      ContinuationRef ref, Continuation state, Lease lease, EventPayload payload) {
    EventEnvelope event =
        EventEnvelope.seal(
            ref.id(),
            ref.tenant(),
            lease.generation(),
            state.lastSequence() + 1,
            now(),
            ref.id().traceId(),
            spanId(),
            Runtime.MAESTRO,
            payload,
            state.lastHash());
    substrate.events().append(ref.tenant(), ref.id(), lease.generation(), List.of(event));
    observability.appended(event);
    return event;
  }

  private static void parameterProblems(
      Recipes recipes, String recipe, JsonNode parameters, String pointer, List<FieldError> out) {
    if (recipes == null) return;
    recipes
        .find(recipe)
        .ifPresent(
            r ->
                r.parameterProblems(parameters)
                    .forEach(
                        (name, problem) ->
                            out.add(
                                new FieldError(
                                    name.isEmpty()
                                        ? pointer + "/parameters"
                                        : pointer
                                            + "/parameters/"
                                            + name.replace("~", "~0").replace("/", "~1"),
                                    problem))));
  }

  private Optional<Continuation> find(TenantId tenant, ContinuationId id) {
    return substrate.continuations().find(tenant, id).map(this::catchUp);
  }

  private Continuation current(TenantId tenant, ContinuationId id) {
    return find(tenant, id).orElseThrow(() -> new NotFoundException("no continuation " + id));
  }

  private Continuation catchUp(Continuation snapshot) {
    return EventLog.catchUp(substrate.events(), snapshot);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private String spanId() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
