package dev.maestro.aws.local;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The Lambda {@link Context} of a local invocation: what handlers read from it (request id,
 * function name, remaining time, the logger) with the logger writing to a stream (stderr), so a
 * handler runs locally as it would on AWS. Identity and client context are absent, as for
 * invocations that do not come from the mobile SDK.
 */
public final class LocalContext implements Context {

  private final String requestId = UUID.randomUUID().toString();
  private final String functionName;
  private final long deadlineNanos;
  private final int memoryMb;
  private final LambdaLogger logger;

  /**
   * @param functionName the function's name, as {@code getFunctionName} reports it
   * @param timeout the function's timeout, from which the remaining time counts down
   * @param log where the logger writes
   */
  public LocalContext(String functionName, Duration timeout, PrintStream log) {
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.memoryMb = 1024;
    Objects.requireNonNull(log, "log");
    this.logger =
        new LambdaLogger() {
          @Override
          public void log(String message) {
            log.print(message);
            log.flush();
          }

          @Override
          public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
          }
        };
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:local:000000000000:function:" + functionName;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryMb;
  }

  @Override
  public LambdaLogger getLogger() {
    return logger;
  }
}
