package dev.maestro.eval.chaos;

import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The invariants every continuation must satisfy once a schedule's faults have stopped and
 * redelivery and reconciliation have drained: an intact hash chain with contiguous sequences and
 * never-decreasing generations; no wake id in two {@code wake} events; exactly one marker effect
 * per executed wake, inside that wake's tick (no duplicated effect, no lost wake); the stored
 * snapshot equal to the fold of the log; spend within the hard cap in the log and in the ledger;
 * and the end its plan calls for.
 */
final class ChaosInvariants {

  private ChaosInvariants() {}

  /**
   * The violations of one continuation, each a readable sentence; empty when all hold.
   *
   * @param log the whole log from sequence 1
   * @param snapshot the stored snapshot (after reconcile)
   * @param ledger the continuation scope's standing in the budget ledger, if known
   */
  static List<String> check(
      WorkloadPlan plan,
      List<EventEnvelope> log,
      Optional<Continuation> snapshot,
      Optional<BudgetLedger.ScopeStatus> ledger) {
    var violations = new ArrayList<String>();
    Optional<String> defect = EventChain.firstDefect(log);
    if (defect.isPresent()) {
      violations.add("hash chain: " + defect.get());
      return violations;
    }
    if (log.isEmpty()) {
      violations.add("the log is empty");
      return violations;
    }

    long generation = 0;
    var wakeIds = new HashSet<String>();
    var markers = new HashMap<String, Integer>();
    var charges = new HashSet<String>();
    int wakes = 0;
    String openWake = null;
    BigDecimal logged = BigDecimal.ZERO;
    for (EventEnvelope e : log) {
      if (e.generation() < generation) {
        violations.add(
            "event "
                + e.sequence()
                + " carries generation "
                + e.generation()
                + " after generation "
                + generation
                + " (a fenced writer got through)");
      }
      generation = Math.max(generation, e.generation());
      switch (e.payload()) {
        case EventPayload.Woken w -> {
          wakes++;
          openWake = w.wakeId();
          if (!wakeIds.add(w.wakeId()))
            violations.add("wake id " + w.wakeId() + " is in two wake events");
        }
        case EventPayload.ToolCall t when ChaosRecipe.MARKER_TOOL.equals(t.tool()) -> {
          markers.merge(t.callId(), 1, Integer::sum);
          if (!t.callId().equals(openWake))
            violations.add(
                "marker "
                    + t.callId()
                    + " at sequence "
                    + e.sequence()
                    + " is outside its wake's tick (open tick: "
                    + openWake
                    + ")");
        }
        case EventPayload.BudgetCharged c -> {
          logged = logged.add(c.usd());
          if (!charges.add(c.callId()))
            violations.add("the charge for " + c.callId() + " is logged twice");
          if (!c.callId().equals(openWake))
            violations.add("charge " + c.callId() + " is outside its wake's tick");
        }
        case EventPayload.Slept s -> openWake = null;
        case EventPayload.Completed c -> openWake = null;
        default -> {}
      }
    }
    for (String id : wakeIds) {
      int n = markers.getOrDefault(id, 0);
      if (n != 1) violations.add("wake " + id + " has " + n + " marker effects, not 1");
    }
    for (String id : markers.keySet()) {
      if (!wakeIds.contains(id)) violations.add("marker " + id + " has no wake event");
    }

    Continuation folded;
    try {
      folded = ContinuationFold.fold(log);
    } catch (IllegalStateException e) {
      violations.add("the log does not fold: " + e.getMessage());
      return violations;
    }
    if (snapshot.isEmpty()) {
      violations.add("no stored snapshot");
    } else if (!snapshot.get().equals(folded)) {
      violations.add(
          "the stored snapshot (sequence "
              + snapshot.get().lastSequence()
              + ", "
              + snapshot.get().status()
              + ") differs from the fold of the log (sequence "
              + folded.lastSequence()
              + ", "
              + folded.status()
              + ")");
    }

    BigDecimal cap = folded.budget().limits().maxUsd();
    if (folded.budget().spent().usd().compareTo(cap) > 0)
      violations.add("logged spend $" + folded.budget().spent().usd() + " exceeds the cap $" + cap);
    if (ledger.isPresent()) {
      BigDecimal settled = ledger.get().settledUsd();
      if (settled.compareTo(cap) > 0)
        violations.add("the ledger settled $" + settled + ", past the cap $" + cap);
      if (logged.compareTo(settled) > 0)
        violations.add("the log charges $" + logged + " but the ledger settled only $" + settled);
    }

    expectEnding(plan, folded, wakes, violations);
    return violations;
  }

  private static void expectEnding(
      WorkloadPlan plan, Continuation folded, int wakes, List<String> violations) {
    int ran = folded.workingState().path("steps").asInt(0);
    if (ran != wakes)
      violations.add(wakes + " wake events but the recipe counted " + ran + " steps");
    String reason = folded.result() == null ? null : folded.result().path("reason").asText();
    switch (plan.ending()) {
      case DONE -> {
        if (folded.status() != Status.COMPLETED || !"done".equals(reason) || ran != plan.steps())
          violations.add(
              "expected COMPLETED (done) after "
                  + plan.steps()
                  + " steps, got "
                  + describe(folded, reason, ran));
      }
      case BUDGET -> {
        if (folded.status() != Status.COMPLETED || !"budget".equals(reason) || ran >= plan.steps())
          violations.add(
              "expected COMPLETED (budget) before step "
                  + plan.steps()
                  + ", got "
                  + describe(folded, reason, ran));
      }
      case KILLED -> {
        if (folded.status() != Status.KILLED || ran != plan.killAfter())
          violations.add(
              "expected KILLED after step "
                  + plan.killAfter()
                  + ", got "
                  + describe(folded, reason, ran));
      }
    }
  }

  private static String describe(Continuation c, String reason, int ran) {
    return c.status()
        + (reason == null ? "" : " (" + reason + ")")
        + " after "
        + ran
        + " steps"
        + (c.wakeCondition() == null ? "" : ", waiting for " + c.wakeCondition());
  }
}
