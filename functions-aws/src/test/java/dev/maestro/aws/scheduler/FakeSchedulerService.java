package dev.maestro.aws.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.aws.client.LocalAwsServer.Recorded;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for EventBridge Scheduler's schedule CRUD and Step Functions' StartExecution that
 * keeps schedules in memory and answers with the documented status codes and error bodies (409 on a
 * taken name, 404 on a missing one). It models nothing else: no firing, no validation of
 * expressions, no ARNs or roles.
 */
public final class FakeSchedulerService implements Function<Recorded, Reply> {

  /** Schedules by name, as last created or updated. */
  public final Map<String, JsonNode> schedules = new ConcurrentHashMap<>();

  /** StartExecution request bodies, in the order they arrived. */
  public final List<JsonNode> executions = new CopyOnWriteArrayList<>();

  @Override
  public Reply apply(Recorded r) {
    if (r.path().equals("/")) {
      executions.add(r.json());
      return Reply.json(
          200,
          "{\"executionArn\":\"arn:aws:states:us-east-1:1:execution:tick:"
              + r.json().get("name").asText()
              + "\",\"startDate\":1772355600}");
    }
    String name = r.path().substring("/schedules/".length());
    return switch (r.method()) {
      case "POST" -> {
        if (schedules.putIfAbsent(name, r.json()) != null) {
          yield Reply.restError(409, "ConflictException", "Schedule " + name + " already exists.");
        }
        yield Reply.json(200, "{\"ScheduleArn\":\"arn:aws:scheduler:::schedule/g/" + name + "\"}");
      }
      case "PUT" -> {
        if (schedules.replace(name, r.json()) == null) {
          yield Reply.restError(
              404, "ResourceNotFoundException", "Schedule " + name + " not found.");
        }
        yield Reply.json(200, "{\"ScheduleArn\":\"arn:aws:scheduler:::schedule/g/" + name + "\"}");
      }
      case "DELETE" ->
          schedules.remove(name) == null
              ? Reply.restError(
                  404, "ResourceNotFoundException", "Schedule " + name + " not found.")
              : new Reply(200, Map.of(), "");
      default -> Reply.restError(400, "ValidationException", "unexpected " + r.method());
    };
  }
}
