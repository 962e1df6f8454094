package dev.maestro.core.policy;

/**
 * Layer E: when to involve a person or a stronger model. A step whose risk score or expected cost
 * reaches the tenant's threshold waits for approval. A failed quality check raises the tier one
 * step (within the tenant's maximum and to a healthy tier); when it cannot, because the tier is
 * already the highest allowed, the next one is failing, or spend is past the soft cap, it asks for
 * approval instead. Waiting for approval turns the branch into {@link Branch#WAIT}.
 */
final class Escalation {

  private Escalation() {}

  static void apply(Draft d) {
    DecisionInput in = d.in;
    TenantPolicy p = d.policy;
    boolean cited = false;
    if (in.riskScore() >= p.approvalRisk()) {
      d.approvalRequired = true;
      cited = true;
      d.rule(Rules.ESCALATE_APPROVAL_RISK)
          .append("Risk ")
          .append(in.riskScore())
          .append(" reaches the approval threshold of ")
          .append(p.approvalRisk())
          .append('.');
    }
    if (in.estimatedStepUsd().compareTo(p.approvalUsd()) >= 0) {
      d.approvalRequired = true;
      cited = true;
      d.rule(Rules.ESCALATE_APPROVAL_SPEND)
          .append("The step's expected cost ")
          .append(Draft.usd(in.estimatedStepUsd()))
          .append(" reaches the approval threshold of ")
          .append(Draft.usd(p.approvalUsd()))
          .append('.');
    }
    if (in.qualityCheck() == QualityCheck.FAILED) {
      cited = true;
      Tier higher = d.tier.higher();
      boolean canRise =
          higher != d.tier
              && !higher.above(p.maxTier())
              && !in.unhealthyTiers().contains(higher)
              && !d.pastSoftCap;
      if (canRise) {
        d.rule(Rules.ESCALATE_QUALITY_TIER)
            .append("The quality check failed: escalated from ")
            .append(d.tier.wire())
            .append(" to ")
            .append(higher.wire())
            .append('.');
        d.tier = higher;
        d.tierEscalated = true;
      } else {
        d.approvalRequired = true;
        d.rule(Rules.ESCALATE_QUALITY_APPROVAL)
            .append("The quality check failed and ")
            .append(
                d.pastSoftCap
                    ? "spend is past the soft cap"
                    : higher == d.tier || higher.above(p.maxTier())
                        ? d.tier.wire() + " is the highest tier allowed"
                        : higher.wire() + " is failing")
            .append(": a person decides.");
      }
    }
    if (d.approvalRequired) {
      if (d.branch != Branch.COMPLETE) {
        d.branch = Branch.WAIT;
        d.forkCount = 0;
        d.rule(Rules.BRANCH_AWAIT_APPROVAL, "The continuation waits for an approve signal.");
      }
    } else if (!cited) {
      d.rule(Rules.ESCALATE_NONE, "No escalation.");
    }
  }
}
