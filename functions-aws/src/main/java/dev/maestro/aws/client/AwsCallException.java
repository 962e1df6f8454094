package dev.maestro.aws.client;

/**
 * A call to an AWS service that did not succeed: the service answered with an error (HTTP status
 * and the error code from {@code x-amzn-ErrorType} or the body's {@code __type}), or the request
 * never got an answer (status 0, code {@code TransportError}), or a success status came with a body
 * that is not JSON (code {@code MalformedResponse}). {@link #retryable()} says whether the failure
 * was transient (throttling, a server error, a transport failure); by the time this is thrown the
 * client's retries are spent.
 */
public final class AwsCallException extends RuntimeException {

  /** The error code of a failure that never reached the service or never got its answer. */
  public static final String TRANSPORT_ERROR = "TransportError";

  /** The error code of a success status whose body is not the JSON the protocol promises. */
  public static final String MALFORMED_RESPONSE = "MalformedResponse";

  private final int statusCode;
  private final String errorCode;
  private final String serviceMessage;
  private final boolean retryable;

  public AwsCallException(
      String operation,
      int statusCode,
      String errorCode,
      String serviceMessage,
      boolean retryable,
      Throwable cause) {
    super(
        operation
            + " failed: "
            + (statusCode == 0 ? "" : "HTTP " + statusCode + " ")
            + errorCode
            + (serviceMessage == null || serviceMessage.isEmpty() ? "" : ": " + serviceMessage),
        cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.serviceMessage = serviceMessage;
    this.retryable = retryable;
  }

  /** The HTTP status, or 0 when no response was received. */
  public int statusCode() {
    return statusCode;
  }

  /** The service's error code without namespace or suffix, such as {@code ConflictException}. */
  public String errorCode() {
    return errorCode;
  }

  /** The service's message, possibly empty. */
  public String serviceMessage() {
    return serviceMessage;
  }

  /** Whether the failure was transient (throttling, 5xx, transport). */
  public boolean retryable() {
    return retryable;
  }
}
