package dev.maestro.aws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * The EventBridge Scheduler operations the adapter needs for one-time wake schedules (restJson, API
 * version 2021-06-30, signing name {@code scheduler}): create, update (a full replacement), delete
 * and get a schedule. Every schedule this client writes has its flexible time window off; service
 * errors surface as {@link AwsCallException} with the documented codes ({@code ConflictException}
 * 409, {@code ResourceNotFoundException} 404, {@code ValidationException} 400, {@code
 * ThrottlingException} 429, {@code InternalServerException} 500).
 */
public final class SchedulerClient {

  /** Schedule and group names: 1 to 64 of {@code [0-9A-Za-z-_.]}. */
  public static final Pattern NAME = Pattern.compile("[0-9A-Za-z_.-]{1,64}");

  /** Client tokens: 1 to 64 of {@code [0-9A-Za-z-_]}. */
  public static final Pattern CLIENT_TOKEN = Pattern.compile("[0-9A-Za-z_-]{1,64}");

  private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final AwsJsonClient client;

  /** A client over {@code client}, which must be signed for {@code scheduler}. */
  public SchedulerClient(AwsJsonClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** A client for {@code https://scheduler.{region}.amazonaws.com} with the default parts. */
  public static SchedulerClient create(String region) {
    return new SchedulerClient(
        AwsJsonClient.create(AwsEndpoint.regional("scheduler", region), "scheduler"));
  }

  /**
   * The one-time expression {@code at(yyyy-mm-ddThh:mm:ss)} for {@code when} in UTC. The expression
   * has whole seconds, so a fractional second is rounded up: the schedule never fires before {@code
   * when}.
   */
  public static String atExpression(Instant when) {
    Instant whole = when.truncatedTo(ChronoUnit.SECONDS);
    if (whole.isBefore(when)) whole = whole.plusSeconds(1);
    return "at(" + AT.format(LocalDateTime.ofInstant(whole, ZoneOffset.UTC)) + ")";
  }

  /**
   * What a schedule invokes: the target's ARN (a universal target such as {@code
   * arn:aws:scheduler:::aws-sdk:sfn:startExecution}, or a Lambda, queue or state machine ARN), the
   * role Scheduler assumes to invoke it, and the input text passed to it.
   *
   * @param maximumEventAgeSeconds how long Scheduler keeps retrying (60 to 86400), or null
   * @param maximumRetryAttempts Scheduler's retries (0 to 185), or null
   * @param deadLetterArn an SQS queue for invocations that failed for good, or null
   */
  public record Target(
      String arn,
      String roleArn,
      String input,
      Integer maximumEventAgeSeconds,
      Integer maximumRetryAttempts,
      String deadLetterArn) {
    public Target {
      Objects.requireNonNull(arn, "arn");
      Objects.requireNonNull(roleArn, "roleArn");
      Objects.requireNonNull(input, "input");
    }
  }

  /**
   * One schedule's definition, sent whole on create and on update.
   *
   * @param groupName the schedule group, or null for the default group
   * @param expression {@code at(...)}, {@code rate(...)} or {@code cron(...)}
   * @param timezone the expression's time zone, or null for UTC
   * @param actionAfterCompletion {@code DELETE} or {@code NONE}, or null for the service default
   * @param clientToken the idempotency token of this request, or null
   */
  public record Schedule(
      String name,
      String groupName,
      String expression,
      String timezone,
      String actionAfterCompletion,
      Target target,
      String clientToken) {
    public Schedule {
      requireName("name", name);
      if (groupName != null) requireName("groupName", groupName);
      Objects.requireNonNull(expression, "expression");
      Objects.requireNonNull(target, "target");
      if (clientToken != null && !CLIENT_TOKEN.matcher(clientToken).matches()) {
        throw new IllegalArgumentException("clientToken must match " + CLIENT_TOKEN.pattern());
      }
    }
  }

  /** {@code CreateSchedule}; returns the new schedule's ARN. A taken name is a 409. */
  public String createSchedule(Schedule schedule) {
    return client
        .callRest(
            "CreateSchedule", SdkHttpMethod.POST, path(schedule.name()), Map.of(), body(schedule))
        .path("ScheduleArn")
        .asText();
  }

  /** {@code UpdateSchedule}: replaces the whole definition; returns the ARN. Absent is a 404. */
  public String updateSchedule(Schedule schedule) {
    return client
        .callRest(
            "UpdateSchedule", SdkHttpMethod.PUT, path(schedule.name()), Map.of(), body(schedule))
        .path("ScheduleArn")
        .asText();
  }

  /**
   * {@code DeleteSchedule}; true if it was deleted, false if there was no such schedule (404).
   *
   * @param groupName the group, or null for the default group
   * @param clientToken the idempotency token, or null
   */
  public boolean deleteSchedule(String name, String groupName, String clientToken) {
    requireName("name", name);
    var query = new LinkedHashMap<String, String>();
    if (clientToken != null) query.put("clientToken", clientToken);
    if (groupName != null) query.put("groupName", groupName);
    try {
      client.callRest("DeleteSchedule", SdkHttpMethod.DELETE, path(name), query, null);
      return true;
    } catch (AwsCallException e) {
      if (e.statusCode() == 404 || "ResourceNotFoundException".equals(e.errorCode())) return false;
      throw e;
    }
  }

  /** {@code GetSchedule}: the schedule's description as the service returns it, if it exists. */
  public Optional<JsonNode> getSchedule(String name, String groupName) {
    requireName("name", name);
    Map<String, String> query = groupName == null ? Map.of() : Map.of("groupName", groupName);
    try {
      return Optional.of(
          client.callRest("GetSchedule", SdkHttpMethod.GET, path(name), query, null));
    } catch (AwsCallException e) {
      if (e.statusCode() == 404 || "ResourceNotFoundException".equals(e.errorCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String path(String name) {
    // Names are [0-9A-Za-z-_.] only, so they need no percent-encoding.
    return "/schedules/" + name;
  }

  private static ObjectNode body(Schedule schedule) {
    ObjectNode body = Json.mapper().createObjectNode();
    if (schedule.actionAfterCompletion() != null) {
      body.put("ActionAfterCompletion", schedule.actionAfterCompletion());
    }
    if (schedule.clientToken() != null) body.put("ClientToken", schedule.clientToken());
    body.putObject("FlexibleTimeWindow").put("Mode", "OFF");
    if (schedule.groupName() != null) body.put("GroupName", schedule.groupName());
    body.put("ScheduleExpression", schedule.expression());
    if (schedule.timezone() != null) body.put("ScheduleExpressionTimezone", schedule.timezone());
    Target t = schedule.target();
    ObjectNode target = body.putObject("Target");
    target.put("Arn", t.arn());
    target.put("RoleArn", t.roleArn());
    target.put("Input", t.input());
    if (t.maximumEventAgeSeconds() != null || t.maximumRetryAttempts() != null) {
      ObjectNode retry = target.putObject("RetryPolicy");
      if (t.maximumEventAgeSeconds() != null) {
        retry.put("MaximumEventAgeInSeconds", t.maximumEventAgeSeconds());
      }
      if (t.maximumRetryAttempts() != null) {
        retry.put("MaximumRetryAttempts", t.maximumRetryAttempts());
      }
    }
    if (t.deadLetterArn() != null)
      target.putObject("DeadLetterConfig").put("Arn", t.deadLetterArn());
    return body;
  }

  private static void requireName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ": " + value);
    }
  }
}
