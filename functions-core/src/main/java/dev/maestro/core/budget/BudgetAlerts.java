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

  /** Alerts to the log, at WARNING: what every runtime does unless it is given a channel. */
  BudgetAlerts LOG =
      alert ->
          System.getLogger(BudgetAlerts.class.getName())
              .log(
                  System.Logger.Level.WARNING,
                  "budget alert: tenant {0} reached {1} % of its daily cap on {2} (${3} of ${4})",
                  alert.tenant().value(),
                  alert.thresholdPercent(),
                  alert.day(),
                  alert.spentUsd().toPlainString(),
                  alert.capUsd().toPlainString());

  /** Delivers one alert. */
  void raise(BudgetAlert alert);
}
