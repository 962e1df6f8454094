package dev.maestro.azure.foundry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.ModelProvider;
import dev.maestro.core.dispatch.OpenAiChat;
import dev.maestro.core.dispatch.OpenAiProvider.TokenLimitField;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Chat completions on an Azure AI Foundry (or Azure OpenAI) resource over {@code java.net.http},
 * non-streaming, authenticated with a Microsoft Entra ID bearer token from {@link
 * EntraTokenSource}; tools use core's {@link OpenAiTools}, whose shapes these APIs share. Two
 * request forms, chosen by {@link Mode}:
 *
 * <ul>
 *   <li>{@link Mode#DEPLOYMENTS}: {@code POST
 *       {endpoint}/openai/deployments/{modelId}/chat/completions ?api-version=...}; the model id
 *       from tier routing is the deployment name and the body has no {@code model}.
 *   <li>{@link Mode#MODELS}: the model inference API, {@code POST
 *       {endpoint}/models/chat/completions?api-version=...}, with the model id as the body's {@code
 *       model}.
 * </ul>
 *
 * <p>Errors arrive as {@code {"error":{"code","message"}}}: 408, 429 and 5xx are retryable (a
 * {@code retry-after} or {@code retry-after-ms} header is quoted in the message); 400 (including a
 * {@code content_filter} refusal of the prompt), 401, 403 and 404 are not. A 401 also drops the
 * cached token, so the next call fetches a new one. A completion the service filtered ({@code
 * finish_reason: content_filter}) is returned with safety outcome {@code refused}. A reply body
 * that is not JSON, or lacks {@code choices} or {@code usage}, is a {@link ProviderException}.
 */
public final class FoundryChatProvider implements ModelProvider {

  /** The provider name tier routing uses for Foundry. */
  public static final String NAME = "foundry";

  /** Which URL and body form requests take. */
  public enum Mode {
    /** Azure OpenAI deployments: the deployment name in the path. */
    DEPLOYMENTS,
    /** The Foundry model inference endpoint: the model name in the body. */
    MODELS
  }

  private final URI endpoint;
  private final Mode mode;
  private final String apiVersion;
  private final TokenLimitField tokenLimitField;
  private final EntraTokenSource tokens;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * A provider for the resource at {@code endpoint} (e.g. {@code https://NAME.openai.azure.com} or
   * {@code https://NAME.services.ai.azure.com}), sending {@code apiVersion} and the output cap as
   * {@code tokenLimitField}, with bearer tokens from {@code tokens}.
   */
  public FoundryChatProvider(
      URI endpoint,
      Mode mode,
      String apiVersion,
      TokenLimitField tokenLimitField,
      EntraTokenSource tokens,
      HttpClient http,
      Duration timeout) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
    this.tokenLimitField = Objects.requireNonNull(tokenLimitField, "tokenLimitField");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ModelDispatch.Response complete(String modelId, ModelDispatch.Request request) {
    Objects.requireNonNull(modelId, "modelId");
    HttpRequest httpRequest =
        HttpRequest.newBuilder(uri(modelId))
            .timeout(timeout)
            .header("Authorization", "Bearer " + bearer())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.write(body(modelId, request)), StandardCharsets.UTF_8))
            .build();
    long started = System.nanoTime();
    HttpResponse<String> reply;
    try {
      reply = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderException(NAME, 0, "connection_error", e.toString(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(NAME, 0, "interrupted", e.toString(), false, e);
    }
    long latencyMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    JsonNode body = parse(reply);
    if (reply.statusCode() != 200) {
      if (reply.statusCode() == 401) {
        tokens.invalidate();
      }
      throw error(reply, body);
    }
    return response(modelId, body, latencyMs);
  }

  /** The request URL for {@code modelId}; package-private for the wire-format tests. */
  URI uri(String modelId) {
    String base = endpoint.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path =
        switch (mode) {
          case DEPLOYMENTS ->
              "/openai/deployments/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8);
          case MODELS -> "/models";
        };
    return URI.create(
        base
            + path
            + "/chat/completions?api-version="
            + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
  }

  /** The request body for {@code modelId}; package-private for the wire-format tests. */
  ObjectNode body(String modelId, ModelDispatch.Request request) {
    ObjectNode body = Json.mapper().createObjectNode();
    if (mode == Mode.MODELS) {
      body.put("model", modelId);
    }
    body.set("messages", OpenAiChat.messages(request));
    body.put(
        switch (tokenLimitField) {
          case MAX_COMPLETION_TOKENS -> "max_completion_tokens";
          case MAX_TOKENS -> "max_tokens";
        },
        request.maxTokens());
    if (!request.tools().isEmpty()) {
      body.set("tools", OpenAiChat.tools(request));
      body.put("tool_choice", "auto");
    }
    return body;
  }

  private String bearer() {
    try {
      return tokens.token();
    } catch (RuntimeException e) {
      // No token, no call: another provider may still answer, so this counts against Foundry.
      throw new ProviderException(NAME, 0, "token_unavailable", e.getMessage(), true, e);
    }
  }

  private static JsonNode parse(HttpResponse<String> reply) {
    try {
      JsonNode parsed = Json.mapper().readTree(reply.body());
      if (parsed == null || !parsed.isObject()) {
        throw new IOException("not a JSON object");
      }
      return parsed;
    } catch (IOException e) {
      int status = reply.statusCode();
      throw new ProviderException(
          NAME,
          status,
          "unparseable_body",
          truncate(reply.body()) + retryAfter(reply),
          retryableStatus(status),
          e);
    }
  }

  private ModelDispatch.Response response(String modelId, JsonNode body, long latencyMs) {
    JsonNode choices = body.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw malformed("no choices", body);
    }
    JsonNode choice = choices.get(0);
    JsonNode message = choice.path("message");
    JsonNode usage = body.path("usage");
    if (!message.isObject()) {
      throw malformed("no message", body);
    }
    if (!usage.path("prompt_tokens").isIntegralNumber()
        || !usage.path("completion_tokens").isIntegralNumber()) {
      throw malformed("no usage", body);
    }
    try {
      return OpenAiChat.response(NAME, modelId, body, choice, usage, latencyMs);
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage(), body);
    }
  }

  private static ProviderException malformed(String what, JsonNode body) {
    return new ProviderException(
        NAME, 200, "malformed_response", what + ": " + truncate(Json.write(body)), false);
  }

  private static ProviderException error(HttpResponse<String> reply, JsonNode body) {
    int status = reply.statusCode();
    JsonNode error = body.path("error");
    // Azure spells some codes as the status ("429"); those say nothing the status does not.
    String code = error.path("code").isTextual() ? error.path("code").asText() : "";
    String type = code.isBlank() || code.chars().allMatch(Character::isDigit) ? "" : code;
    if (type.isEmpty()) {
      type = "http_" + status;
    }
    String message = error.path("message").asText(truncate(Json.write(body)));
    return new ProviderException(
        NAME, status, type, message + retryAfter(reply), retryableStatus(status));
  }

  /** {@code " (retry after N s)"} from the reply's headers, or empty when it names no delay. */
  private static String retryAfter(HttpResponse<String> reply) {
    var headers = reply.headers();
    var millis = headers.firstValue("retry-after-ms");
    if (millis.isPresent()) {
      return " (retry after " + millis.get().strip() + " ms)";
    }
    return headers
        .firstValue("retry-after")
        .map(
            v -> {
              String value = v.strip();
              return value.chars().allMatch(Character::isDigit)
                  ? " (retry after " + value + " s)"
                  : " (retry after " + value + ")";
            })
        .orElse("");
  }

  /** Rate limits, timeouts and server-side failures. */
  private static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  private static String truncate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
