package dev.maestro.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.ForkPoint;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Lineage;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The body of an event: one record per {@link EventType}. Payloads are facts in the past tense; the
 * fold ({@code ContinuationFold}) turns a sequence of them into a continuation's state.
 */
public sealed interface EventPayload {

  /** The event type this payload belongs to. */
  @JsonIgnore
  EventType type();

  /**
   * The continuation came into being with this goal frame, lineage and first wake. {@code
   * forkedFrom}, present only on a fork's child, names the parent event whose state it copied;
   * {@code mergedFrom}, present only on a merge's child, names each source's last event before the
   * merge, with the merge function that combined their working states.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Spawn(
      GoalFrame goalFrame,
      Lineage lineage,
      JsonNode workingState,
      WakeCondition firstWake,
      ForkPoint forkedFrom,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ForkPoint> mergedFrom,
      String mergeFunction)
      implements EventPayload {
    public Spawn {
      Objects.requireNonNull(goalFrame, "goalFrame");
      Objects.requireNonNull(lineage, "lineage");
      Objects.requireNonNull(workingState, "workingState");
      Objects.requireNonNull(firstWake, "firstWake");
      mergedFrom = mergedFrom == null ? List.of() : List.copyOf(mergedFrom);
    }

    /** The spawn of a continuation that was neither forked nor merged. */
    public Spawn(
        GoalFrame goalFrame, Lineage lineage, JsonNode workingState, WakeCondition firstWake) {
      this(goalFrame, lineage, workingState, firstWake, null, List.of(), null);
    }

    @Override
    public EventType type() {
      return EventType.SPAWN;
    }
  }

  /** A wake was accepted and a tick started (or resumed, after a worker died mid-tick). */
  record Woken(String wakeId, WakeKind kind, String channel, JsonNode payload)
      implements EventPayload {
    public Woken {
      Objects.requireNonNull(wakeId, "wakeId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public EventType type() {
      return EventType.WAKE;
    }
  }

  /**
   * A model was called. {@code local} marks the offline local provider, which is never a stand-in
   * for a real provider's figures. {@code failover} lists the providers tried before the one that
   * answered, each as {@code provider:reason} (a failure's status and type, or {@code circuit_open}
   * for one skipped because its circuit breaker was open); empty, and left out, when the first
   * route answered.
   */
  record ModelCall(
      String callId,
      String provider,
      String modelId,
      String tier,
      long tokensIn,
      long tokensOut,
      long latencyMs,
      BigDecimal usd,
      String safetyOutcome,
      boolean local,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> failover)
      implements EventPayload {
    public ModelCall {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(modelId, "modelId");
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(usd, "usd");
      Objects.requireNonNull(safetyOutcome, "safetyOutcome");
      failover = failover == null ? List.of() : List.copyOf(failover);
    }

    /** A call answered by its first route. */
    public ModelCall(
        String callId,
        String provider,
        String modelId,
        String tier,
        long tokensIn,
        long tokensOut,
        long latencyMs,
        BigDecimal usd,
        String safetyOutcome,
        boolean local) {
      this(
          callId,
          provider,
          modelId,
          tier,
          tokensIn,
          tokensOut,
          latencyMs,
          usd,
          safetyOutcome,
          local,
          List.of());
    }

    @Override
    public EventType type() {
      return EventType.MODEL_CALL;
    }
  }

  /** A tool was called with {@code arguments} and returned {@code result}. */
  record ToolCall(String callId, String tool, JsonNode arguments, JsonNode result, boolean ok)
      implements EventPayload {
    public ToolCall {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(tool, "tool");
      Objects.requireNonNull(arguments, "arguments");
      Objects.requireNonNull(result, "result");
    }

    @Override
    public EventType type() {
      return EventType.TOOL_CALL;
    }
  }

  /** The continuation published {@code content} to {@code tag}; subscribers may wake. */
  record Published(String tag, JsonNode content) implements EventPayload {
    public Published {
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public EventType type() {
      return EventType.PUBLISH;
    }
  }

  /**
   * A child was forked from this continuation: it starts from the state as of {@code atSequence}
   * (this log's fold up to and including that event) with {@code childBudget}, which is carved out
   * of what this continuation may still spend. {@code objective} and {@code parameters}, when
   * present, override the goal frame's for the child. The event holds everything needed to create
   * the child, so a child missing after a crash is created from it (see ADR-0013). May follow a
   * terminal event: it records lineage and budget only and never changes the status.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Forked(
      ContinuationId child,
      long atSequence,
      BudgetLimits childBudget,
      String objective,
      JsonNode parameters)
      implements EventPayload {
    public Forked {
      Objects.requireNonNull(child, "child");
      Objects.requireNonNull(childBudget, "childBudget");
      if (atSequence < 1) throw new IllegalArgumentException("atSequence must be >= 1");
    }

    /** A fork that keeps the goal frame's objective and parameters. */
    public Forked(ContinuationId child, long atSequence, BudgetLimits childBudget) {
      this(child, atSequence, childBudget, null, null);
    }

    @Override
    public EventType type() {
      return EventType.FORK;
    }
  }

  /**
   * {@code sources} were merged with the named merge function. Recorded on each source, {@code
   * child} names the continuation the merge created and {@code childBudget} the share of the
   * child's budget carved out of this source; the fold adds the child and reduces this
   * continuation's limits by the share. May follow a terminal event when {@code child} is present:
   * it records lineage and budget only and never changes the status (ADR-0013).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Merged(
      List<ContinuationId> sources,
      String mergeFunction,
      ContinuationId child,
      BudgetLimits childBudget)
      implements EventPayload {
    public Merged {
      sources = List.copyOf(sources);
      Objects.requireNonNull(mergeFunction, "mergeFunction");
    }

    /** A merge record without a child edge or a carve. */
    public Merged(List<ContinuationId> sources, String mergeFunction) {
      this(sources, mergeFunction, null, null);
    }

    @Override
    public EventType type() {
      return EventType.MERGE;
    }
  }

  /**
   * The tick ended and the continuation now waits for {@code until}. {@code workingState} is the
   * recipe's state at the end of the tick (null: unchanged).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Slept(WakeCondition until, String reason, JsonNode workingState) implements EventPayload {
    public Slept {
      Objects.requireNonNull(until, "until");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.SLEEP;
    }
  }

  /** The continuation was stopped by {@code by} (a user, or {@code budget} for a hard cap). */
  record Killed(String reason, String by) implements EventPayload {
    public Killed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(by, "by");
    }

    @Override
    public EventType type() {
      return EventType.KILL;
    }
  }

  /**
   * Money was spent: {@code usd} at {@code priceTable}'s list prices for the call {@code callId}.
   */
  record BudgetCharged(
      String callId, BigDecimal usd, long tokensIn, long tokensOut, String priceTable)
      implements EventPayload {
    public BudgetCharged {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(usd, "usd");
      Objects.requireNonNull(priceTable, "priceTable");
      if (usd.signum() < 0) throw new IllegalArgumentException("a charge cannot be negative");
    }

    @Override
    public EventType type() {
      return EventType.BUDGET_CHARGE;
    }
  }

  /** A human sent a signal ({@code approve}, {@code redirect} or {@code kill}). */
  record HumanSignal(String signalId, String kind, String by, JsonNode body)
      implements EventPayload {
    public HumanSignal {
      Objects.requireNonNull(signalId, "signalId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(by, "by");
      Objects.requireNonNull(body, "body");
    }

    @Override
    public EventType type() {
      return EventType.HUMAN_SIGNAL;
    }
  }

  /** Something went wrong; a {@code fatal} error ends the continuation as FAILED. */
  record Failed(String code, String message, boolean fatal) implements EventPayload {
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public EventType type() {
      return EventType.ERROR;
    }
  }

  /** The continuation finished with {@code result}. Terminal. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Completed(JsonNode result, JsonNode workingState) implements EventPayload {
    public Completed {
      Objects.requireNonNull(result, "result");
    }

    @Override
    public EventType type() {
      return EventType.COMPLETE;
    }
  }

  /**
   * The policy kernel decided the next step: {@code action} ({@code proceed}, {@code defer}, {@code
   * stop}, {@code terminate}), with {@code tier}, {@code runtime} and {@code branch} when it
   * proceeds ({@code forkCount} when the branch is a fork), citing {@code ruleIds} under the tenant
   * policy's {@code policyRevision}. Recorded by the tick; changes no state.
   *
   * <p>{@code input} is what the kernel decided on, in the {@code POST /decide} request format, so
   * that the decision can be replayed under another policy and learned from; {@code shadow} is what
   * the learned policy (v1) would have chosen when shadow mode scored the decision. Both are absent
   * on decisions recorded without them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Decided(
      String action,
      String tier,
      Runtime runtime,
      String branch,
      Integer forkCount,
      boolean approvalRequired,
      long policyRevision,
      List<String> ruleIds,
      String rationale,
      JsonNode input,
      Shadow shadow)
      implements EventPayload {
    public Decided {
      Objects.requireNonNull(action, "action");
      ruleIds = List.copyOf(ruleIds);
      Objects.requireNonNull(rationale, "rationale");
    }

    /** A decision without its input or a shadow score. */
    public Decided(
        String action,
        String tier,
        Runtime runtime,
        String branch,
        boolean approvalRequired,
        long policyRevision,
        List<String> ruleIds,
        String rationale) {
      this(
          action,
          tier,
          runtime,
          branch,
          null,
          approvalRequired,
          policyRevision,
          ruleIds,
          rationale,
          null,
          null);
    }

    @Override
    public EventType type() {
      return EventType.DECISION;
    }

    /**
     * What the learned policy would have done: the tier and branch it suggests, with the
     * probabilities it scored for each candidate ({@code tierScores}: the probability that the
     * step's output passes its quality check at that tier; {@code branchScores}: the probability
     * that the continuation meets its goal after that branch). {@code tier} and {@code branch} are
     * null where the learned policy did not score that dimension (a decision that does not proceed,
     * or a branch it does not choose between).
     *
     * @param model the learned policy's version
     * @param tier the suggested tier, or null
     * @param branch the suggested branch, or null
     * @param forkCount the suggested number of sub-goals when {@code branch} is a fork
     * @param tierScores probability per candidate tier (wire names)
     * @param branchScores probability per candidate branch (wire names)
     * @param scoreMicros how long scoring took, in microseconds
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Shadow(
        String model,
        String tier,
        String branch,
        Integer forkCount,
        Map<String, Double> tierScores,
        Map<String, Double> branchScores,
        long scoreMicros) {
      public Shadow {
        Objects.requireNonNull(model, "model");
        tierScores =
            tierScores == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tierScores));
        branchScores =
            branchScores == null
                ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(branchScores));
      }
    }
  }
}
