package dev.maestro.core.substrate;

/**
 * Outcome of an append: how many events were newly written and how many were already present
 * (identical retries, which are no-ops).
 */
public record AppendResult(int appended, int alreadyPresent, long lastSequence) {

  /** Whether the whole batch was a retry of events already in the log. */
  public boolean wasDuplicate() {
    return appended == 0;
  }
}
