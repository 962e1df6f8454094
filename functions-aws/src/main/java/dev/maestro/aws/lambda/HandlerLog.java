package dev.maestro.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;

/**
 * The one log line a batch handler (stream wakes, CDC) writes: a record left for its event source
 * to retry. To the invocation's Lambda logger when there is one, else to standard error.
 */
public final class HandlerLog {

  private HandlerLog() {}

  /**
   * @param source what read the record ({@code stream sqs}, {@code cdc})
   */
  public static void retrying(
      Context context, String source, String recordId, RuntimeException cause) {
    String line =
        "maestro "
            + source
            + ": record "
            + recordId
            + " left for retry: "
            + cause.getClass().getSimpleName()
            + ": "
            + cause.getMessage();
    if (context != null && context.getLogger() != null) {
      context.getLogger().log(line + "\n");
    } else {
      System.err.println(line);
    }
  }
}
