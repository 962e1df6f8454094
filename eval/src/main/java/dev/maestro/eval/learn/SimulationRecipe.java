package dev.maestro.eval.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.api.DecisionInputJson;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.metering.Metering;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionEvents;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.QualityCheck;
import dev.maestro.core.policy.StepKind;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A simulated research continuation, one step per tick, for training the learned policy. Each
 * continuation has hidden truths drawn from its seed (how difficult the question is, how broad),
 * which the decision inputs only show through noisy proxies (required depth, risk), and which
 * decide the outcomes: whether a step's output passes its quality check (more likely the more
 * capable the tier is relative to the step's difficulty) and whether the continuation meets its
 * goal (the share of passing steps, forking when the question is broad, not stopping early, not
 * running out of budget or time).
 *
 * <p>Every step asks the {@link ShadowKernel} for a decision, records it with its input, and then
 * executes it, except that with probability {@code exploration} it runs a random allowed tier or a
 * random branch among continue, complete and an allowed fork, so that the log shows outcomes of
 * choices the rules would not have made. All randomness comes from the continuation's seed and the
 * step number, and time is simulated (it starts at the continuation's creation), so a re-run step
 * emits the same events.
 */
final class SimulationRecipe implements Recipe {

  /** The name goal frames select this recipe by. */
  static final String NAME = "policy-sim";

  /** The tool call that records a step's quality check. */
  static final String QUALITY_CHECK = StepOutcome.QUALITY_CHECK;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> TOOLS =
      List.of("field.recall", "fetch", "pubmed.search", "web.search");
  private static final double[] CAPABILITY = {0.35, 0.65, 0.95};
  private static final long[] STEP_MINUTES = {2, 5, 12};
  private static final int MAX_FORKS_PER_CONTINUATION = 2;

  /** The parameter marking a forked sub-goal child, which completes on its first step. */
  static final String SUB_GOAL = "subGoal";

  private static final BudgetLimits SUB_GOAL_BUDGET =
      BudgetLimits.ofUsd(new BigDecimal("0.000001"), 0);

  private final ShadowKernel kernel;
  private final Function<dev.maestro.core.continuation.TenantId, TenantPolicy> policies;
  private final PriceTable prices;
  private final TierRouting routing;
  private final double exploration;

  SimulationRecipe(
      ShadowKernel kernel,
      Function<dev.maestro.core.continuation.TenantId, TenantPolicy> policies,
      double exploration) {
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.prices = PriceTable.defaultTable();
    this.routing = TierRouting.standard();
    this.exploration = exploration;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The hidden truths of one continuation, all drawn from its seed. */
  record Truth(
      double difficulty,
      double breadth,
      int plannedSteps,
      BigDecimal budgetUsd,
      Duration deadline,
      boolean flakyOpus) {

    static Truth of(long seed) {
      var r = new SplittableRandom(seed);
      double difficulty = r.nextDouble();
      double breadth = r.nextDouble();
      int planned = 7 + (int) Math.round(3 * breadth) + r.nextInt(3);
      BigDecimal[] budgets = {
        new BigDecimal("0.50"),
        new BigDecimal("1.00"),
        new BigDecimal("2.00"),
        new BigDecimal("4.00")
      };
      BigDecimal budget = budgets[r.nextInt(budgets.length)];
      Duration deadline = r.nextDouble() < 0.3 ? Duration.ofMinutes(30 + r.nextInt(8 * 60)) : null;
      boolean flaky = r.nextDouble() < 0.05;
      return new Truth(difficulty, breadth, planned, budget, deadline, flaky);
    }
  }

  /** The goal frame parameters of a simulated continuation with {@code seed}. */
  static ObjectNode parameters(long seed) {
    return NODES.objectNode().put("seed", seed);
  }

  /** The budget a simulated continuation with {@code seed} gets. */
  static BudgetLimits budget(long seed) {
    return BudgetLimits.ofUsd(Truth.of(seed).budgetUsd(), 0);
  }

  @Override
  public StepResult step(StepContext context) {
    Continuation c = context.continuation();
    if (c.goalFrame().parameters().path(SUB_GOAL).asBoolean(false)) {
      return new StepResult.Complete(NODES.objectNode().put(SUB_GOAL, true), c.workingState());
    }
    long seed = c.goalFrame().parameters().path("seed").asLong();
    Truth truth = Truth.of(seed);
    JsonNode ws = c.workingState();
    int step = ws.path("step").asInt(0);
    int planned = ws.path("planned").asInt(truth.plannedSteps());
    int passes = ws.path("passes").asInt(0);
    int checks = ws.path("checks").asInt(0);
    int forks = ws.path("forks").asInt(0);
    int forkGoals = ws.path("forkGoals").asInt(0);
    long elapsedMinutes = ws.path("elapsedMinutes").asLong(0);
    QualityCheck last = QualityCheck.fromWire(ws.path("lastCheck").asText("none"));
    var r = new SplittableRandom(seed * 1_000_003L + step);

    Instant now = c.createdAt().plus(Duration.ofMinutes(elapsedMinutes));
    Instant deadline = truth.deadline() == null ? null : c.createdAt().plus(truth.deadline());
    StepKind kind = kindOf(step, planned, r);
    double noise = gaussian(r);
    int depth =
        clamp((int) Math.round(3 * truth.difficulty() + 0.7 * noise + depthShift(kind)), 0, 3);
    double risk = clamp(0.6 * truth.difficulty() + 0.15 * gaussian(r), 0, 0.95);
    long contextTokens =
        Math.min(
            190_000,
            (long)
                ((1_500 + 4_000L * step) * (0.6 + 0.8 * r.nextDouble()) * (1 + truth.breadth())));
    long tokensOut = 300 + r.nextInt(1_500);
    boolean last1 = step >= planned - 1;
    Branch intent = Branch.CONTINUE;
    int intentForks = 0;
    double perceivedBreadth = truth.breadth() + 0.2 * gaussian(r);
    if (last1) {
      intent = Branch.COMPLETE;
    } else if (step == 1 && perceivedBreadth > 0.55) {
      intent = Branch.FORK;
      intentForks = clamp(2 + (int) Math.round(2 * perceivedBreadth), 2, 5);
    }
    Set<Tier> unhealthy =
        truth.flakyOpus() && r.nextDouble() < 0.5
            ? EnumSet.of(Tier.OPUS)
            : EnumSet.noneOf(Tier.class);
    List<String> tools = tools(kind, r);
    TenantPolicy policy = policies.apply(c.tenant());
    Tier base = policy.document().tiers().of(kind);
    BigDecimal estimate = cost(base, contextTokens, 900);

    DecisionInput.Builder builder = DecisionInput.builder(c.tenant(), now, c.budget());
    if (intent == Branch.FORK) builder.fork(intentForks);
    else builder.intent(intent);
    DecisionInput input =
        builder
            .status(Status.RUNNING)
            .estimatedStepUsd(estimate)
            .stepKind(kind)
            .contextTokens(contextTokens)
            .requiredDepth(depth)
            .unhealthyTiers(unhealthy)
            .toolsRequested(tools)
            .riskScore(Math.round(risk * 100) / 100.0)
            .qualityCheck(last)
            .preferredRuntime(Runtime.MAESTRO)
            .policyClass(c.goalFrame().policyClass())
            .deadline(deadline)
            .complianceFreeze(policy.frozen())
            .build();
    ShadowKernel.Shadowed shadowed = kernel.decide(input, policy);
    Decision decision = shadowed.decision();
    context.emit(DecisionEvents.of(decision, DecisionInputJson.write(input), shadowed.shadow()));

    ObjectNode state = NODES.objectNode();
    if (decision.action() == Action.TERMINATE) {
      return complete(truth, step, planned, passes, checks, forks, forkGoals, "budget", r, state);
    }
    if (decision.action() != Action.PROCEED) {
      // Nothing ran; try again at the next tick (a deferral in simulated time).
      copy(ws, state).put("elapsedMinutes", elapsedMinutes + 5);
      return new StepResult.Sleep(context.timerAt(context.now()), "simulated deferral", state);
    }

    Tier tier = decision.tier();
    if (r.nextDouble() < exploration) {
      List<Tier> allowed = allowedTiers(input, policy, decision);
      tier = allowed.get(r.nextInt(allowed.size()));
    }
    boolean deadlinePassed = deadline != null && !now.isBefore(deadline);
    Branch branch =
        decision.branch() == Branch.WAIT ? intent : decision.branch(); // approval: approved
    int forkCount = branch == Branch.FORK ? Math.max(1, decision.forkCount()) : 0;
    if (branch == Branch.FORK && decision.branch() == Branch.WAIT) forkCount = intentForks;
    if (!deadlinePassed && r.nextDouble() < exploration) {
      var options = new ArrayList<Branch>(List.of(Branch.CONTINUE, Branch.COMPLETE));
      boolean forkAllowed = !input.budget().pastSoftCap() && forks < MAX_FORKS_PER_CONTINUATION;
      if (forkAllowed) options.add(Branch.FORK);
      Branch explored = options.get(r.nextInt(options.size()));
      if (explored != branch) {
        branch = explored;
        forkCount =
            explored == Branch.FORK ? Math.min(policy.document().maxForks(), 2 + r.nextInt(3)) : 0;
      }
    }

    // The model call, priced at list prices.
    String callId = "sim-" + c.lastSequence() + "-" + step;
    TierRouting.Route route = routing.routes(c.tenant(), tier.wire()).get(0);
    long latency = 400 + r.nextInt(4_000) * (1 + tier.ordinal());
    var response =
        new ModelDispatch.Response(
            "simulated",
            route.provider(),
            route.modelId(),
            contextTokens,
            tokensOut,
            latency,
            BigDecimal.ZERO,
            "allowed",
            false);
    Metering.Metered metered =
        Metering.events(callId, tier.wire(), response, prices, Runtime.MAESTRO);
    context.emit(metered.modelCall());
    context.emit(metered.charge());

    // The quality check: more capable tiers pass harder steps.
    double need = 0.25 + 0.6 * truth.difficulty() + difficultyShift(kind);
    if (contextTokens >= 100_000 && tier == Tier.HAIKU) need += 0.2;
    double pass = sigmoid(7 * (CAPABILITY[tier.ordinal()] - need));
    boolean passed = r.nextDouble() < pass;
    ObjectNode args =
        NODES.objectNode().put("step", step).put("kind", kind.wire()).put("tier", tier.wire());
    args.put("branch", branch.wire());
    if (branch == Branch.FORK) args.put("forkCount", forkCount);
    context.emit(
        new EventPayload.ToolCall(
            callId + "-check",
            QUALITY_CHECK,
            args,
            NODES.objectNode().put("passed", passed),
            true));
    passes += passed ? 1 : 0;
    checks++;
    elapsedMinutes += STEP_MINUTES[tier.ordinal()] + r.nextInt(5);

    if (branch == Branch.FORK) {
      Budget budget = c.budget().charge(metered.charge().usd(), contextTokens, tokensOut);
      BigDecimal share =
          budget.remainingUsd().divide(BigDecimal.valueOf(forkCount + 1L), 6, RoundingMode.DOWN);
      // Each sub-goal is a real child in the lineage, which completes at once: the simulated work
      // of the sub-goals is done by this continuation as further steps, so the children take only
      // a token carve and leave the budget with it. (share: what a real split would give each.)
      boolean fits =
          context
                  .budget()
                  .remainingUsd()
                  .compareTo(SUB_GOAL_BUDGET.maxUsd().multiply(BigDecimal.valueOf(forkCount)))
              >= 0;
      for (int i = 0; fits && i < forkCount; i++) {
        context.fork(
            SUB_GOAL_BUDGET,
            null,
            c.goalFrame().parameters().deepCopy() instanceof ObjectNode p
                ? p.put(SUB_GOAL, true).put("share", share.toPlainString())
                : null);
      }
      forks++;
      forkGoals += forkCount;
      planned += forkCount; // the sub-goals are worked through as further steps
    }
    if (branch == Branch.COMPLETE) {
      return complete(
          truth,
          step + 1,
          planned,
          passes,
          checks,
          forks,
          forkGoals,
          deadlinePassed ? "deadline" : null,
          r,
          state);
    }
    state
        .put("step", step + 1)
        .put("planned", planned)
        .put("passes", passes)
        .put("checks", checks)
        .put("forks", forks)
        .put("forkGoals", forkGoals)
        .put("elapsedMinutes", elapsedMinutes)
        .put("lastCheck", passed ? "passed" : "failed");
    return new StepResult.Sleep(context.timerAt(context.now()), "next simulated step", state);
  }

  private StepResult complete(
      Truth truth,
      int stepsDone,
      int planned,
      int passes,
      int checks,
      int forks,
      int forkGoals,
      String cutShort,
      SplittableRandom r,
      ObjectNode state) {
    double passShare = checks == 0 ? 0 : passes / (double) checks;
    double progress = Math.min(1.0, stepsDone / (double) planned);
    double logit = 5.0 * (passShare - 0.55) + 4.0 * (progress - 0.8);
    if (truth.breadth() > 0.6 && forks == 0) logit -= 3.0 * (truth.breadth() - 0.6) / 0.4;
    if (truth.breadth() > 0.6 && forks > 0) logit += 0.5;
    if (truth.breadth() < 0.3 && forks > 0) logit -= 0.5;
    if ("budget".equals(cutShort)) logit -= 1.5;
    if ("deadline".equals(cutShort)) logit -= 0.5;
    boolean goalMet = r.nextDouble() < sigmoid(logit);
    ObjectNode result =
        NODES
            .objectNode()
            .put("goal_met", goalMet)
            .put("steps", stepsDone)
            .put("passed", passes)
            .put("checks", checks)
            .put("forks", forks)
            .put("subGoals", forkGoals);
    if (cutShort != null) result.put("cutShort", cutShort);
    state.put("done", true);
    return new StepResult.Complete(result, state);
  }

  /** The tiers v1 would score for this decision: up to the tenant's maximum, healthy ones. */
  static List<Tier> allowedTiers(DecisionInput in, TenantPolicy p, Decision decision) {
    Tier max = p.document().tiers().max();
    if (in.budget().pastSoftCap() && max.above(decision.tier())) max = decision.tier();
    var out = new ArrayList<Tier>();
    for (Tier t : Tier.values()) {
      if (!t.above(max) && !in.unhealthyTiers().contains(t)) out.add(t);
    }
    if (!out.contains(decision.tier())) out.add(decision.tier());
    return out;
  }

  private BigDecimal cost(Tier tier, long tokensIn, long tokensOut) {
    TierRouting.Route route = routing.defaults().get(tier.wire()).get(0);
    return prices.cost(route.provider(), route.modelId(), tokensIn, tokensOut);
  }

  private static StepKind kindOf(int step, int planned, SplittableRandom r) {
    if (step == 0) return StepKind.PLAN;
    if (step >= planned - 1) return StepKind.CRITIQUE;
    if (step == planned - 2) return StepKind.SYNTHESIZE;
    StepKind[] middle = {
      StepKind.TRIAGE, StepKind.RETRIEVE, StepKind.RETRIEVE, StepKind.EXTRACT, StepKind.EXTRACT
    };
    return middle[r.nextInt(middle.length)];
  }

  private static double depthShift(StepKind kind) {
    return switch (kind) {
      case TRIAGE, RETRIEVE -> -0.8;
      case EXTRACT -> -0.3;
      case SYNTHESIZE, CRITIQUE, PLAN -> 0.2;
    };
  }

  private static double difficultyShift(StepKind kind) {
    return switch (kind) {
      case TRIAGE, RETRIEVE -> -0.2;
      case EXTRACT -> -0.05;
      case SYNTHESIZE, CRITIQUE -> 0.1;
      case PLAN -> 0.0;
    };
  }

  private static List<String> tools(StepKind kind, SplittableRandom r) {
    return switch (kind) {
      case RETRIEVE -> List.of(TOOLS.get(2), r.nextBoolean() ? TOOLS.get(1) : TOOLS.get(0));
      case EXTRACT -> List.of(TOOLS.get(1));
      case TRIAGE -> List.of(TOOLS.get(0));
      default -> List.of();
    };
  }

  private static ObjectNode copy(JsonNode from, ObjectNode to) {
    if (from.isObject()) to.setAll((ObjectNode) from);
    return to;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller: SplittableRandom has no nextGaussian on every release this targets.
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
