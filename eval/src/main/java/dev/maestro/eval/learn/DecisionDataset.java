package dev.maestro.eval.learn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.api.DecisionInputParser;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.eval.policy.LocalLogs;
import dev.maestro.local.runtime.LocalRuntime;
import dev.maestro.local.store.SqliteSubstrate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The training rows of the learned policy, read from the event log of a data directory: every
 * {@code decision} event that carries its input, paired with what followed it in the same tick.
 *
 * <ul>
 *   <li>A <b>route</b> row is {@link PolicyFeatures#route} of the recorded input at the tier the
 *       following {@code model_call} actually ran, labelled by the following {@code quality_check}
 *       tool call ({@code result.passed}).
 *   <li>A <b>branch</b> row is {@link PolicyFeatures#branch} of the recorded input for the branch
 *       actually taken (a {@code fork} event: fork, with as many sub-goals as fork events; the
 *       continuation completing: complete; otherwise continue), labelled by the continuation's
 *       {@code result.goal_met}.
 * </ul>
 *
 * Decisions that did not proceed (and so ran nothing) give no rows, and a continuation without a
 * {@code goal_met} result gives no branch rows. Every row remembers its continuation, so that a
 * train/holdout split never puts steps of one continuation on both sides.
 */
public final class DecisionDataset {

  /** The tool whose call records a step's quality check. */
  public static final String QUALITY_CHECK = StepOutcome.QUALITY_CHECK;

  /**
   * The rows of one dimension.
   *
   * @param features one vector per row
   * @param labels 1 (positive) or 0 per row
   * @param groups the index of the row's continuation (see {@link #continuations()})
   */
  public record Rows(List<float[]> features, List<Float> labels, List<Integer> groups) {
    public Rows {
      features = List.copyOf(features);
      labels = List.copyOf(labels);
      groups = List.copyOf(groups);
    }

    /** How many rows. */
    public int size() {
      return features.size();
    }

    /** The share of positive labels (0 when empty). */
    public double positiveRate() {
      double sum = 0;
      for (float l : labels) sum += l;
      return labels.isEmpty() ? 0 : sum / labels.size();
    }
  }

  private final List<ContinuationRef> continuations;
  private final Rows route;
  private final Rows branch;
  private final int decisions;
  private final int decisionsWithInput;
  private final int events;

  private DecisionDataset(
      List<ContinuationRef> continuations,
      Rows route,
      Rows branch,
      int decisions,
      int decisionsWithInput,
      int events) {
    this.continuations = List.copyOf(continuations);
    this.route = route;
    this.branch = branch;
    this.decisions = decisions;
    this.decisionsWithInput = decisionsWithInput;
    this.events = events;
  }

  /**
   * Reads every continuation of the data directory {@code dataDir}, with tenant policies from
   * {@code policies}.
   *
   * @throws IllegalArgumentException if the directory holds no database
   */
  public static DecisionDataset read(Path dataDir, Function<TenantId, TenantPolicy> policies) {
    Path db = dataDir.resolve(LocalRuntime.DATABASE);
    if (!Files.isRegularFile(db)) {
      throw new IllegalArgumentException(
          db + " does not exist; record decisions first (maestro policy simulate)");
    }
    List<ContinuationRef> refs = LocalLogs.continuations(db);
    try (SqliteSubstrate store = SqliteSubstrate.open(db)) {
      return read(store.substrate().events(), refs, policies);
    }
  }

  /** Reads {@code refs} from {@code log}, with tenant policies from {@code policies}. */
  public static DecisionDataset read(
      EventLog log, List<ContinuationRef> refs, Function<TenantId, TenantPolicy> policies) {
    Objects.requireNonNull(policies, "policies");
    var route = new Builder();
    var branch = new Builder();
    int decisions = 0;
    int withInput = 0;
    int events = 0;
    // A continuation that made no decision (a forked sub-goal that completed at once) adds no
    // rows and is not a group.
    var groups = new ArrayList<ContinuationRef>();
    var logs = new ArrayList<List<EventEnvelope>>();
    for (ContinuationRef ref : refs) {
      List<EventEnvelope> log1 = LocalLogs.events(log, ref);
      if (log1.stream().anyMatch(e -> e.payload() instanceof EventPayload.Decided)) {
        groups.add(ref);
        logs.add(log1);
      }
    }
    for (int group = 0; group < groups.size(); group++) {
      ContinuationRef ref = groups.get(group);
      List<EventEnvelope> log1 = logs.get(group);
      events += log1.size();
      TenantPolicy policy = policies.apply(ref.tenant());
      Boolean goalMet = goalMet(log1);
      for (int i = 0; i < log1.size(); i++) {
        if (!(log1.get(i).payload() instanceof EventPayload.Decided d)) continue;
        decisions++;
        if (d.input() == null || !d.input().isObject()) continue;
        withInput++;
        if (!Action.PROCEED.wire().equals(d.action())) continue;
        DecisionInput input =
            DecisionInputParser.parse(d.input(), ref.tenant(), log1.get(i).timestamp());
        StepOutcome o = StepOutcome.after(log1, i);
        if (o.tier() != null && o.passed() != null) {
          route.add(PolicyFeatures.route(input, policy, o.tier()), o.passed(), group);
        }
        if (goalMet != null && o.ranStep()) {
          branch.add(PolicyFeatures.branch(input, policy, o.branch(), o.forks()), goalMet, group);
        }
      }
    }
    return new DecisionDataset(groups, route.build(), branch.build(), decisions, withInput, events);
  }

  /** The continuations read, in row-group order. */
  public List<ContinuationRef> continuations() {
    return continuations;
  }

  /** The route rows. */
  public Rows route() {
    return route;
  }

  /** The branch rows. */
  public Rows branch() {
    return branch;
  }

  /** Every {@code decision} event read. */
  public int decisions() {
    return decisions;
  }

  /** The {@code decision} events that carry their input. */
  public int decisionsWithInput() {
    return decisionsWithInput;
  }

  /** Every event read. */
  public int events() {
    return events;
  }

  private static Boolean goalMet(List<EventEnvelope> log) {
    for (int i = log.size() - 1; i >= 0; i--) {
      if (log.get(i).payload() instanceof EventPayload.Completed c) {
        JsonNode g = c.result().get("goal_met");
        return g != null && g.isBoolean() ? g.booleanValue() : null;
      }
    }
    return null;
  }

  private static final class Builder {
    private final List<float[]> features = new ArrayList<>();
    private final List<Float> labels = new ArrayList<>();
    private final List<Integer> groups = new ArrayList<>();

    void add(float[] row, boolean label, int group) {
      features.add(row);
      labels.add(label ? 1f : 0f);
      groups.add(group);
    }

    Rows build() {
      return new Rows(features, labels, groups);
    }
  }
}
