package dev.maestro.core.policy;

/**
 * Layer C: where the tick goes next. The recipe's intent stands unless the deadline has passed
 * (complete with what exists), a fork is asked for past the soft cap (continue instead: forks
 * multiply spend), or a fork asks for more sub-goals than the tenant allows (clamped).
 */
final class Branching {

  private Branching() {}

  static void apply(Draft d) {
    DecisionInput in = d.in;
    Branch intent = in.intent();
    if (in.deadline() != null && !in.now().isBefore(in.deadline()) && intent != Branch.COMPLETE) {
      d.branch = Branch.COMPLETE;
      d.rule(Rules.BRANCH_DEADLINE_PASSED)
          .append("The deadline ")
          .append(in.deadline())
          .append(" has passed: complete with what exists instead of ")
          .append(intent.wire())
          .append('.');
      return;
    }
    if (intent == Branch.FORK && d.pastSoftCap) {
      d.branch = Branch.CONTINUE;
      d.rule(
          Rules.BRANCH_FORK_DENIED_SOFT_CAP,
          "A fork was asked for past the soft cap: continue in one line instead.");
      return;
    }
    if (intent == Branch.FORK && in.forkCount() > d.policy.maxForks()) {
      d.branch = Branch.FORK;
      d.forkCount = d.policy.maxForks();
      d.rule(Rules.BRANCH_FORK_CLAMPED)
          .append("A fork into ")
          .append(in.forkCount())
          .append(" sub-goals was clamped to the tenant's maximum of ")
          .append(d.forkCount)
          .append('.');
      return;
    }
    d.branch = intent;
    d.forkCount = intent == Branch.FORK ? in.forkCount() : 0;
    var s = d.rule(Rules.BRANCH_AS_REQUESTED).append("Next: ").append(intent.wire());
    if (intent == Branch.FORK) s.append(" into ").append(d.forkCount).append(" sub-goals");
    s.append(", as the recipe asked.");
  }
}
