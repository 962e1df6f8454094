package dev.maestro.core.budget;

/**
 * Port: where budget alerts go (a log, a notification topic, an operator's pager). {@link
 * BudgetWatch} calls it once per tenant, day and threshold, after the ledger recorded the alert; an
 * implementation that fails loses that one alert (it is still recorded in the ledger).
 */
@FunctionalInterface
public interface BudgetAlerts {

  /** Alerts nowhere; for tests and deployments without a channel. */
  BudgetAlerts NONE = alert -> {};

  /** Delivers one alert. */
  void raise(BudgetAlert alert);
}
