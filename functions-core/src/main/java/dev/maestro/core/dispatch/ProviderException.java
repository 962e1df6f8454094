package dev.maestro.core.dispatch;

/**
 * A provider refused or failed a call. {@code retryable} failures (rate limits, overload, server
 * errors, broken connections) say nothing about the request and count against the provider's
 * health; the others (a malformed request, a bad key) would fail the same way anywhere.
 */
public final class ProviderException extends RuntimeException {

  private final String provider;
  private final int status;
  private final String errorType;
  private final boolean retryable;

  public ProviderException(
      String provider, int status, String errorType, String message, boolean retryable) {
    this(provider, status, errorType, message, retryable, null);
  }

  public ProviderException(
      String provider,
      int status,
      String errorType,
      String message,
      boolean retryable,
      Throwable cause) {
    super(provider + " " + status + " " + errorType + ": " + message, cause);
    this.provider = provider;
    this.status = status;
    this.errorType = errorType;
    this.retryable = retryable;
  }

  /** The provider that failed. */
  public String provider() {
    return provider;
  }

  /** The HTTP status, or 0 when no response came back. */
  public int status() {
    return status;
  }

  /** The provider's error type ({@code overloaded_error}, {@code rate_limit_exceeded}, ...). */
  public String errorType() {
    return errorType;
  }

  /** Whether another attempt, here later or at another provider, may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /** The {@code provider:reason} entry this failure leaves in a response's failover list. */
  String failoverEntry() {
    return provider + ":" + (status == 0 ? "" : status + " ") + errorType;
  }
}
