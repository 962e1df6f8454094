package dev.maestro.core.policy.learned;

import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The learned policy v1 (BRIEF §8): two trained classifiers that suggest the route and the branch
 * of a decision the rules (v0) have already made. It never decides alone: the gates, the tenant's
 * maximum tier, unhealthy providers, the soft-cap downshift and an expired deadline bind it as they
 * bind v0, and it scores only decisions that proceed.
 *
 * <ul>
 *   <li><b>Route</b>: the probability that the step's output passes its quality check at each tier
 *       the rules allow; v1 suggests the cheapest tier whose probability reaches {@code
 *       routeThreshold}, else the most likely one.
 *   <li><b>Branch</b>: when the rules let the recipe continue, fork or complete, the probability
 *       that the continuation meets its goal after each of those; v1 suggests the most likely (the
 *       rules' own branch on a tie). Sleeps, waits, merges and held approvals are not scored.
 * </ul>
 *
 * @param version the model's version, recorded with every shadow score
 * @param route the route classifier (features {@link PolicyFeatures#ROUTE})
 * @param branch the branch classifier (features {@link PolicyFeatures#BRANCH})
 * @param routeThreshold the pass probability a cheaper tier must reach to be suggested
 */
public record LearnedPolicy(
    String version, LearnedModel route, LearnedModel branch, double routeThreshold) {

  /** The default {@code routeThreshold}. */
  public static final double DEFAULT_ROUTE_THRESHOLD = 0.75;

  public LearnedPolicy {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(branch, "branch");
    if (route.featureCount() != PolicyFeatures.ROUTE.size()) {
      throw new IllegalArgumentException(
          "the route model takes "
              + route.featureCount()
              + " features; this encoding has "
              + PolicyFeatures.ROUTE.size());
    }
    if (branch.featureCount() != PolicyFeatures.BRANCH.size()) {
      throw new IllegalArgumentException(
          "the branch model takes "
              + branch.featureCount()
              + " features; this encoding has "
              + PolicyFeatures.BRANCH.size());
    }
    if (!(routeThreshold > 0 && routeThreshold < 1)) {
      throw new IllegalArgumentException("routeThreshold must be between 0 and 1 (exclusive)");
    }
  }

  /**
   * What v1 suggests for the decision the rules made: a tier and a branch with their scores.
   *
   * @param tier the suggested tier, or null when the route was not scored
   * @param branch the suggested branch, or null when the branch was not scored
   * @param forkCount the sub-goals of a suggested fork, else 0
   * @param tierScores pass probability per candidate tier
   * @param branchScores goal probability per candidate branch
   */
  public record Suggestion(
      Tier tier,
      Branch branch,
      int forkCount,
      Map<Tier, Double> tierScores,
      Map<Branch, Double> branchScores) {

    /** Whether v1 scored anything. */
    public boolean scored() {
      return tier != null || branch != null;
    }

    /** This suggestion as recorded on the {@code decision} event. */
    public EventPayload.Decided.Shadow toShadow(String model, long scoreMicros) {
      var tiers = new LinkedHashMap<String, Double>();
      tierScores.forEach((t, p) -> tiers.put(t.wire(), p));
      var branches = new LinkedHashMap<String, Double>();
      branchScores.forEach((b, p) -> branches.put(b.wire(), p));
      return new EventPayload.Decided.Shadow(
          model,
          tier == null ? null : tier.wire(),
          branch == null ? null : branch.wire(),
          branch == Branch.FORK ? forkCount : null,
          tiers,
          branches,
          scoreMicros);
    }
  }

  /** v1's suggestion for {@code decision}, which the rules made for {@code in} under {@code p}. */
  public Suggestion suggest(DecisionInput in, TenantPolicy p, Decision decision) {
    if (decision.action() != Action.PROCEED) {
      return new Suggestion(null, null, 0, Map.of(), Map.of());
    }
    Map<Tier, Double> tierScores = scoreTiers(in, p, decision);
    Tier tier = null;
    for (var e : tierScores.entrySet()) {
      if (e.getValue() >= routeThreshold) {
        tier = e.getKey();
        break;
      }
    }
    if (tier == null) tier = argmax(tierScores, decision.tier());

    Map<Branch, Double> branchScores = scoreBranches(in, p, decision);
    Branch branch = branchScores.isEmpty() ? null : argmax(branchScores, decision.branch());
    int forks = branch == Branch.FORK ? decision.forkCount() : 0;
    return new Suggestion(tier, branch, forks, tierScores, branchScores);
  }

  private Map<Tier, Double> scoreTiers(DecisionInput in, TenantPolicy p, Decision decision) {
    Tier max = p.document().tiers().max();
    if (in.budget().pastSoftCap() && max.above(decision.tier())) max = decision.tier();
    var candidates = new ArrayList<Tier>();
    for (Tier t : Tier.values()) {
      if (!t.above(max) && !in.unhealthyTiers().contains(t)) candidates.add(t);
    }
    if (!candidates.contains(decision.tier())) candidates.add(decision.tier());
    candidates.sort(null);
    float[][] rows = new float[candidates.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = PolicyFeatures.route(in, p, candidates.get(i));
    }
    double[] probabilities = route.predict(rows);
    var scores = new EnumMap<Tier, Double>(Tier.class);
    for (int i = 0; i < rows.length; i++) scores.put(candidates.get(i), probabilities[i]);
    return scores;
  }

  private Map<Branch, Double> scoreBranches(DecisionInput in, TenantPolicy p, Decision decision) {
    Branch chosen = decision.branch();
    boolean choosable =
        chosen == Branch.CONTINUE || chosen == Branch.FORK || chosen == Branch.COMPLETE;
    boolean deadlinePassed = in.deadline() != null && !in.now().isBefore(in.deadline());
    if (!choosable || decision.approvalRequired() || deadlinePassed) return Map.of();
    List<Branch> candidates = new ArrayList<>(List.of(Branch.CONTINUE, Branch.COMPLETE));
    if (chosen == Branch.FORK) candidates.add(Branch.FORK);
    float[][] rows = new float[candidates.size()][];
    for (int i = 0; i < rows.length; i++) {
      Branch b = candidates.get(i);
      rows[i] = PolicyFeatures.branch(in, p, b, b == Branch.FORK ? decision.forkCount() : 0);
    }
    double[] probabilities = branch.predict(rows);
    var scores = new EnumMap<Branch, Double>(Branch.class);
    for (int i = 0; i < rows.length; i++) scores.put(candidates.get(i), probabilities[i]);
    return scores;
  }

  private static <K> K argmax(Map<K, Double> scores, K onTie) {
    K best = onTie;
    double bestScore = scores.getOrDefault(onTie, Double.NEGATIVE_INFINITY);
    for (var e : scores.entrySet()) {
      if (e.getValue() > bestScore) {
        best = e.getKey();
        bestScore = e.getValue();
      }
    }
    return best;
  }
}
