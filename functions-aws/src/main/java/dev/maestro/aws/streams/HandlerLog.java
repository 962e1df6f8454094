package dev.maestro.aws.streams;

import com.amazonaws.services.lambda.runtime.Context;

/** The one log line a stream handler writes: a record left for the transport to retry. */
final class HandlerLog {

  private HandlerLog() {}

  static void retrying(Context context, String source, String recordId, RuntimeException cause) {
    String line =
        "maestro stream: "
            + source
            + " record "
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
