package dev.maestro.core.dispatch;

/**
 * One provider's endpoint, called with a model id already chosen by {@link TierRouting}. Failures
 * are thrown as {@link ProviderException}, whose {@code retryable} flag drives failover and the
 * circuit breaker.
 */
public interface ModelProvider {

  /** The provider's name as routes and events spell it ({@code anthropic}, {@code local}, ...). */
  String name();

  /** Asks {@code modelId} for the answer to {@code request}. */
  ModelDispatch.Response complete(String modelId, ModelDispatch.Request request);
}
