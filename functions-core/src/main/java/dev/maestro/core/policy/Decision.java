package dev.maestro.core.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.maestro.core.event.Runtime;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the policy kernel decided for one step, and why. {@code ruleIds} lists every rule that
 * shaped the decision, in layer order (gates, routing, branching, tools, escalation, runtime);
 * {@code rationale} says the same in sentences a person can read, and is never empty.
 *
 * <p>Only a {@link Action#PROCEED} decision carries a tier, runtime and branch; {@link
 * Action#DEFER} carries {@code deferUntil}; {@link Action#STOP} and {@link Action#TERMINATE} carry
 * neither.
 *
 * @param action what the tick does
 * @param deferUntil when to try again (DEFER only)
 * @param tier the model tier for the step (PROCEED only)
 * @param runtime where the step runs (PROCEED only)
 * @param branch where the tick goes next (PROCEED only); {@link Branch#WAIT} when approval is
 *     required
 * @param forkCount the number of sub-goals when {@code branch} is {@link Branch#FORK}, else 0
 * @param allowedTools the requested tools the step may call
 * @param deniedTools the requested tools it may not
 * @param approvalRequired a person must approve before the step runs
 * @param tierEscalated the tier was raised because a quality check failed
 * @param policyRevision the revision of the tenant policy document applied
 * @param ruleIds the rules that shaped the decision, from {@link Rules#ALL}
 * @param rationale the decision in plain sentences
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Decision(
    Action action,
    Instant deferUntil,
    Tier tier,
    Runtime runtime,
    Branch branch,
    int forkCount,
    List<String> allowedTools,
    List<String> deniedTools,
    boolean approvalRequired,
    boolean tierEscalated,
    long policyRevision,
    List<String> ruleIds,
    String rationale) {

  public Decision {
    Objects.requireNonNull(action, "action");
    allowedTools = allowedTools == null ? List.of() : List.copyOf(allowedTools);
    deniedTools = deniedTools == null ? List.of() : List.copyOf(deniedTools);
    ruleIds = List.copyOf(ruleIds);
    Objects.requireNonNull(rationale, "rationale");
    if (ruleIds.isEmpty()) throw new IllegalArgumentException("a decision cites at least one rule");
    if (rationale.isBlank()) throw new IllegalArgumentException("a decision has a rationale");
    boolean proceed = action == Action.PROCEED;
    if (proceed != (tier != null) || proceed != (runtime != null) || proceed != (branch != null))
      throw new IllegalArgumentException("tier, runtime and branch are set exactly on PROCEED");
    if ((action == Action.DEFER) != (deferUntil != null))
      throw new IllegalArgumentException("deferUntil is set exactly on DEFER");
    if (branch == Branch.FORK ? forkCount < 1 : forkCount != 0)
      throw new IllegalArgumentException("forkCount must be >= 1 for a fork and 0 otherwise");
  }
}
