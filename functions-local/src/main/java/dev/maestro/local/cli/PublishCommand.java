package dev.maestro.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.local.server.LocalJwtIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

  @Option(names = "--tenant", required = true, description = "The tenant whose continuations wake.")
  String tenant;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "The API (default: ${DEFAULT-VALUE}).")
  String url;

  @Mixin DataDirOption dataDir;

  @Override
  public Integer call() throws Exception {
    if (!TenantOption.isValid(tenant)) return 2;
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
    var issuer =
        LocalJwtIssuer.loadOrCreate(dataDir.resolve(), LocalStack.ISSUER, LocalStack.AUDIENCE);
    String token = issuer.mint(TenantId.of(tenant), "cli", Duration.ofMinutes(5));
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String path =
        "/streams/" + URLEncoder.encode(topic, StandardCharsets.UTF_8).replace("+", "%20");
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(base + path))
                      .header("Authorization", "Bearer " + token)
                      .header("Content-Type", "application/json")
                      .timeout(Duration.ofSeconds(30))
                      .POST(HttpRequest.BodyPublishers.ofString(Json.write(message)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException unreachable) {
      System.err.println("cannot reach " + base + " (is maestro serve running?): " + unreachable);
      return 1;
    }
    if (response.statusCode() == 202) {
      System.out.println(response.body());
      return 0;
    }
    System.err.println("HTTP " + response.statusCode() + ": " + response.body());
    return response.statusCode() < 500 ? 2 : 1;
  }
}
