package dev.maestro.azure.local;

import com.microsoft.azure.functions.ExecutionContext;
import java.io.PrintStream;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@link ExecutionContext} of a local invocation: an invocation id, the function's name, and a
 * logger writing to a stream (stderr), as the Functions worker's logger writes to the host's log.
 */
public final class LocalExecutionContext implements ExecutionContext {

  private final String invocationId = UUID.randomUUID().toString();
  private final String functionName;
  private final Logger logger;

  /**
   * @param functionName the function's name
   * @param log where the logger writes
   */
  public LocalExecutionContext(String functionName, PrintStream log) {
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    Objects.requireNonNull(log, "log");
    this.logger = Logger.getAnonymousLogger();
    logger.setUseParentHandlers(false);
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            log.println("[" + functionName + "] " + record.getLevel() + " " + record.getMessage());
            log.flush();
          }

          @Override
          public void flush() {
            log.flush();
          }

          @Override
          public void close() {}
        });
  }

  @Override
  public Logger getLogger() {
    return logger;
  }

  @Override
  public String getInvocationId() {
    return invocationId;
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }
}
