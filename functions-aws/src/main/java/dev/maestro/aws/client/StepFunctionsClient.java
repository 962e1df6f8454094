package dev.maestro.aws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Starts Step Functions executions ({@code StartExecution}, awsJson 1.0, target prefix {@code
 * AWSStepFunctions}, signing name {@code states}): how a tick is started directly, for a wake that
 * is due now. Errors surface as {@link AwsCallException}; {@code ExecutionAlreadyExists} (400)
 * means an execution of that name exists with another input or has closed.
 */
public final class StepFunctionsClient {

  /** Execution names: 1 to 80 characters; this client allows only {@code [0-9A-Za-z_-]}. */
  public static final Pattern EXECUTION_NAME = Pattern.compile("[0-9A-Za-z_-]{1,80}");

  private final AwsJsonClient client;

  /** A client over {@code client}, which must be signed for {@code states}. */
  public StepFunctionsClient(AwsJsonClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A client for {@code https://states.{region}.amazonaws.com} with the default parts. */
  public static StepFunctionsClient create(String region) {
    return new StepFunctionsClient(
        AwsJsonClient.create(AwsEndpoint.regional("states", region), "states"));
  }

  /** A started execution: its ARN and when the service started it. */
  public record StartedExecution(String executionArn, Instant startDate) {}

  /** {@code StartExecution} without a trace header. */
  public StartedExecution startExecution(String stateMachineArn, String name, String input) {
    return startExecution(stateMachineArn, name, input, null);
  }

  /**
   * {@code StartExecution} of {@code stateMachineArn} named {@code name} (null for a service-chosen
   * name) with {@code input} (JSON text).
   *
   * @param traceHeader an X-Ray trace header to continue, or null
   */
  public StartedExecution startExecution(
      String stateMachineArn, String name, String input, String traceHeader) {
    Objects.requireNonNull(stateMachineArn, "stateMachineArn");
    Objects.requireNonNull(input, "input");
    if (name != null && !EXECUTION_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("execution name must match " + EXECUTION_NAME.pattern());
    }
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("stateMachineArn", stateMachineArn);
    if (name != null) body.put("name", name);
    body.put("input", input);
    if (traceHeader != null) body.put("traceHeader", traceHeader);
    JsonNode response = client.callTarget("1.0", "AWSStepFunctions.StartExecution", body);
    return new StartedExecution(
        response.path("executionArn").asText(), epochSeconds(response.path("startDate")));
  }

  /** awsJson timestamps are epoch seconds with a fraction. */
  private static Instant epochSeconds(JsonNode value) {
    if (!value.isNumber()) return null;
    BigDecimal seconds = value.decimalValue();
    long whole = seconds.longValue();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole, nanos);
  }
}
