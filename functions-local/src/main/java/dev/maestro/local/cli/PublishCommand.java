package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maestro publish <topic>}: sends one stream message to a running {@code maestro serve}
 * ({@code POST /streams/{topic}}), waking the topic's subscribers in the tenant.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description =
        "Sends a stream message to a running API (maestro serve): every continuation of the tenant"
            + " waiting on the topic (and matching its predicate) wakes once per message id.")
final class PublishCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TOPIC", description = "The stream topic.")
  String topic;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "JSON",
      description = "The message body, a JSON object (predicates match its fields).")
  String data;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "The message id: sending the same id again wakes nobody twice (default: a fresh id).")
  String id;

  @Option(
      names = "--continuation",
      paramLabel = "CONTINUATION_ID",
      description = "Wake only this continuation instead of the topic's subscribers.")
  String continuation;

  @Mixin RunningServer server;

  @Override
  public Integer call() throws Exception {
    JsonNode body;
    try {
      body = Json.tree(data);
    } catch (UncheckedIOException notJson) {
      System.err.println("--data: not JSON: " + data);
      return 2;
    }
    if (!body.isObject()) {
      System.err.println("--data: must be a JSON object");
      return 2;
    }
    ObjectNode message = JsonNodeFactory.instance.objectNode();
    if (id != null) message.put("message_id", id);
    if (continuation != null) message.put("continuation_id", continuation);
    message.set("body", body);
    ApiClient client = server.client();
    if (client == null) return 2;
    try {
      System.out.println(Json.write(client.publish(topic, message)));
      return 0;
    } catch (ApiClient.HttpFailure refused) {
      System.err.println(refused.getMessage());
      return refused.status() < 500 ? 2 : 1;
    } catch (IOException unreachable) {
      System.err.println(
          "cannot reach " + server.url + " (is maestro serve running?): " + unreachable);
      return 1;
    }
  }
}
