package dev.maestro.core.fairness;

/**
 * Where a tenant stands against its budget when its ticks are ordered (BRIEF §9): below its soft
 * cap it competes at full weight, past the soft cap at a reduced weight, past the hard cap not at
 * all.
 */
public enum BudgetStanding {
  WITHIN,
  PAST_SOFT_CAP,
  PAST_HARD_CAP
}
