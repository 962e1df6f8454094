package dev.maestro.eval.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.api.DecisionInputParser;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.PolicyKernel;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.eval.learn.StepOutcome;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Counterfactual replay ({@code maestro replay <id> --policy v0|v1}): re-decides every recorded
 * decision of one continuation under another policy, from the input recorded with it, and prints
 * what would have changed.
 *
 * <p>What is real and what is estimated: the alternative decisions are exact (the kernel is a pure
 * function of the recorded input); the alternative cost re-prices the tokens each step actually
 * used at the alternative tier's list price (the same prompt at another tier is assumed to use the
 * same tokens); the outcome is the learned route model's pass probability at the recorded and at
 * the alternative tier, an estimate, since no model call is re-executed.
 */
public final class CounterfactualReplay {

  /** Which policy re-decides. */
  public enum Alternative {
    /** The rules, under the given tenant policy (e.g. an edited document). */
    V0,
    /** The rules' gates with the learned policy's route and branch. */
    V1
  }

  /**
   * One re-decided step.
   *
   * @param sequence the recorded decision's sequence
   * @param stepKind the step's kind
   * @param recordedAction the recorded action
   * @param recordedTier the tier the step ran at (from its model calls), or the decided one
   * @param alternativeAction the alternative action
   * @param alternativeTier the alternative tier, or null when it does not proceed
   * @param recordedBranch the recorded branch, or null
   * @param alternativeBranch the alternative branch, or null
   * @param recordedUsd what the step's model calls cost
   * @param alternativeUsd the same tokens at the alternative tier's price (0 when it would not run)
   * @param recordedPass the learned estimate of passing at the recorded tier, or NaN
   * @param alternativePass the learned estimate of passing at the alternative tier, or NaN
   * @param recordedPassed how many of the step's quality checks passed, or -1 when none was
   *     recorded
   */
  public record Step(
      long sequence,
      String stepKind,
      String recordedAction,
      String recordedTier,
      String alternativeAction,
      String alternativeTier,
      String recordedBranch,
      String alternativeBranch,
      BigDecimal recordedUsd,
      BigDecimal alternativeUsd,
      double recordedPass,
      double alternativePass,
      int recordedPassed) {

    /** Whether the alternative changed the action, the tier or the branch. */
    public boolean changed() {
      return !Objects.equals(recordedAction, alternativeAction)
          || !Objects.equals(recordedTier, alternativeTier)
          || !Objects.equals(recordedBranch, alternativeBranch);
    }
  }

  /**
   * The replay of one continuation.
   *
   * @param alternative the policy that re-decided
   * @param model the learned policy's version (for v1 and the estimates), or null
   * @param steps the re-decided steps, in log order
   * @param skipped recorded decisions without an input (cannot be replayed)
   */
  public record Result(String alternative, String model, List<Step> steps, int skipped) {

    /** The recorded spend of the replayed steps. */
    public BigDecimal recordedUsd() {
      return steps.stream().map(Step::recordedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The alternative spend of the replayed steps. */
    public BigDecimal alternativeUsd() {
      return steps.stream().map(Step::alternativeUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Sum of the estimated pass probabilities at the recorded tiers (NaN without a model). */
    public double expectedPassesRecorded() {
      return steps.stream().mapToDouble(Step::recordedPass).filter(d -> !Double.isNaN(d)).sum();
    }

    /** Sum of the estimated pass probabilities at the alternative tiers (NaN without a model). */
    public double expectedPassesAlternative() {
      return steps.stream().mapToDouble(Step::alternativePass).filter(d -> !Double.isNaN(d)).sum();
    }

    /** Steps whose action, tier or branch the alternative changed. */
    public long changed() {
      return steps.stream().filter(Step::changed).count();
    }

    /** The result as one JSON document. */
    public ObjectNode json() {
      var nodes = JsonNodeFactory.instance;
      ObjectNode n = nodes.objectNode();
      n.put("policy", alternative);
      if (model != null) n.put("model", model);
      n.put("decisions", steps.size());
      n.put("decisionsWithoutInput", skipped);
      n.put("changed", changed());
      n.put("recordedUsd", recordedUsd());
      n.put("alternativeUsd", alternativeUsd());
      n.put("deltaUsd", alternativeUsd().subtract(recordedUsd()));
      if (model != null) {
        n.put("expectedPassesRecorded", round(expectedPassesRecorded()));
        n.put("expectedPassesAlternative", round(expectedPassesAlternative()));
      }
      n.put(
          "recordedPasses",
          steps.stream().mapToInt(Step::recordedPassed).filter(p -> p >= 0).sum());
      ArrayNode arr = n.putArray("steps");
      for (Step s : steps) {
        ObjectNode o = arr.addObject();
        o.put("sequence", s.sequence());
        o.put("stepKind", s.stepKind());
        o.put(
            "recorded",
            s.recordedAction() + " " + nz(s.recordedTier()) + " " + nz(s.recordedBranch()));
        o.put(
            "alternative",
            s.alternativeAction()
                + " "
                + nz(s.alternativeTier())
                + " "
                + nz(s.alternativeBranch()));
        o.put("recordedUsd", s.recordedUsd());
        o.put("alternativeUsd", s.alternativeUsd());
        if (!Double.isNaN(s.recordedPass())) o.put("recordedPass", round(s.recordedPass()));
        if (!Double.isNaN(s.alternativePass()))
          o.put("alternativePass", round(s.alternativePass()));
      }
      return n;
    }

    /** The result as text for a terminal. */
    public String text() {
      var out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "%-5s %-10s %-26s %-26s %10s %10s %s%n",
              "seq",
              "step",
              "recorded",
              "under " + alternative,
              "rec $",
              "alt $",
              model == null ? "" : "P(pass) rec -> alt"));
      for (Step s : steps) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-5d %-10s %-26s %-26s %10s %10s %s%s%n",
                s.sequence(),
                s.stepKind(),
                s.recordedAction() + " " + nz(s.recordedTier()) + " " + nz(s.recordedBranch()),
                s.alternativeAction()
                    + " "
                    + nz(s.alternativeTier())
                    + " "
                    + nz(s.alternativeBranch()),
                usd(s.recordedUsd()),
                usd(s.alternativeUsd()),
                Double.isNaN(s.recordedPass())
                    ? ""
                    : String.format(
                        Locale.ROOT, "%.2f -> %.2f", s.recordedPass(), s.alternativePass()),
                s.changed() ? "  *" : ""));
      }
      BigDecimal delta = alternativeUsd().subtract(recordedUsd());
      out.append(
          String.format(
              Locale.ROOT,
              "%n%d decisions replayed (%d changed, %d without an input skipped)%n",
              steps.size(),
              changed(),
              skipped));
      out.append(
          String.format(
              Locale.ROOT,
              "cost      recorded %s, under %s %s (%s%s)%n",
              usd(recordedUsd()),
              alternative,
              usd(alternativeUsd()),
              delta.signum() >= 0 ? "+" : "-",
              usd(delta.abs())));
      if (model != null) {
        out.append(
            String.format(
                Locale.ROOT,
                "outcome   expected quality passes %.2f recorded, %.2f under %s (estimates of %s)%n",
                expectedPassesRecorded(),
                expectedPassesAlternative(),
                alternative,
                model));
      }
      out.append(
          "Costs re-price the tokens each step used at the alternative tier's list price;"
              + " outcomes are the learned model's estimates. No model call was re-executed.\n");
      return out.toString();
    }
  }

  private final TenantPolicy policy;
  private final LearnedPolicy learned;
  private final PriceTable prices;
  private final TierRouting routing;

  /**
   * A replay under {@code policy} (the tenant's rules), with {@code learned} (or null) for the v1
   * alternative and the outcome estimates, pricing from {@code prices} and {@code routing}.
   */
  public CounterfactualReplay(
      TenantPolicy policy, LearnedPolicy learned, PriceTable prices, TierRouting routing) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.learned = learned;
    this.prices = Objects.requireNonNull(prices, "prices");
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  /**
   * Replays {@code events} (one continuation's log, in order) under {@code alternative}.
   *
   * @throws IllegalArgumentException if v1 is asked for without a learned policy
   */
  public Result replay(List<EventEnvelope> events, Alternative alternative) {
    if (alternative == Alternative.V1 && learned == null) {
      throw new IllegalArgumentException("replaying under v1 needs a learned policy");
    }
    var steps = new ArrayList<Step>();
    int skipped = 0;
    for (int i = 0; i < events.size(); i++) {
      if (!(events.get(i).payload() instanceof EventPayload.Decided d)) continue;
      if (d.input() == null) {
        skipped++;
        continue;
      }
      EventEnvelope at = events.get(i);
      DecisionInput in = DecisionInputParser.parse(d.input(), at.tenant(), at.timestamp());
      StepOutcome done = StepOutcome.after(events, i);
      BigDecimal recordedUsd = done.usd();
      long tokensIn = done.tokensIn();
      long tokensOut = done.tokensOut();
      String recordedTier = done.tier() != null ? done.tier().wire() : d.tier();

      Decision rules = PolicyKernel.decide(in, policy);
      String altAction = rules.action().wire();
      Tier altTier = rules.tier();
      String altBranch = rules.branch() == null ? null : rules.branch().wire();
      if (alternative == Alternative.V1) {
        LearnedPolicy.Suggestion s = learned.suggest(in, policy, rules);
        if (s.tier() != null) altTier = s.tier();
        if (s.branch() != null) altBranch = s.branch().wire();
      }
      BigDecimal altUsd = BigDecimal.ZERO;
      if (rules.action() == Action.PROCEED && tokensIn + tokensOut > 0) {
        altUsd = price(in, altTier, tokensIn, tokensOut);
      }
      double recPass = Double.NaN;
      double altPass = Double.NaN;
      if (learned != null && recordedTier != null && rules.action() == Action.PROCEED) {
        recPass = pass(in, Tier.fromWire(recordedTier));
        altPass = pass(in, altTier);
      }
      steps.add(
          new Step(
              at.sequence(),
              in.stepKind().wire(),
              d.action(),
              recordedTier,
              altAction,
              altTier == null ? null : altTier.wire(),
              d.branch(),
              altBranch,
              recordedUsd.setScale(PriceTable.COST_SCALE, RoundingMode.HALF_UP),
              altUsd.setScale(PriceTable.COST_SCALE, RoundingMode.HALF_UP),
              recPass,
              altPass,
              done.passed() == null ? -1 : done.passed() ? 1 : 0));
    }
    return new Result(
        alternative.name().toLowerCase(Locale.ROOT),
        learned == null ? null : learned.version(),
        List.copyOf(steps),
        skipped);
  }

  private BigDecimal price(DecisionInput in, Tier tier, long tokensIn, long tokensOut) {
    List<TierRouting.Route> routes = routing.routes(in.tenant(), tier.wire());
    for (TierRouting.Route r : routes) {
      if (prices.priced(r.provider(), r.modelId())) {
        return prices.cost(r.provider(), r.modelId(), tokensIn, tokensOut);
      }
    }
    throw new IllegalStateException("no priced route for tier " + tier.wire());
  }

  private double pass(DecisionInput in, Tier tier) {
    return learned.route().predict(new float[][] {PolicyFeatures.route(in, policy, tier)})[0];
  }

  private static String nz(String s) {
    return s == null ? "-" : s;
  }

  private static String usd(BigDecimal v) {
    return "$" + v.setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
