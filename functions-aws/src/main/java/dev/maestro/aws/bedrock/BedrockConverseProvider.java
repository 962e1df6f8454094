package dev.maestro.aws.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.aws.client.AwsCallException;
import dev.maestro.aws.client.AwsEndpoint;
import dev.maestro.aws.client.AwsJsonClient;
import dev.maestro.aws.client.AwsRetryPolicy;
import dev.maestro.core.dispatch.BedrockTools;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.ModelProvider;
import dev.maestro.core.dispatch.ProviderException;
import dev.maestro.core.dispatch.ToolCall;
import dev.maestro.core.json.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The Amazon Bedrock Runtime Converse API ({@code POST /model/{modelId}/converse} at {@code
 * bedrock-runtime.{region}.amazonaws.com}, SigV4 signing name {@code bedrock}), non-streaming,
 * through the adapter's signed {@link AwsJsonClient}. The model id (a foundation model id, an
 * inference profile id such as {@code us.anthropic.claude-...-v1:0}, or an ARN) is one
 * percent-encoded path segment. System prompt and system turns become the {@code system} blocks;
 * each other turn is a message of {@code text}, {@code toolUse} and {@code toolResult} blocks, with
 * consecutive turns of one role merged because Converse requires the roles to alternate; tools use
 * {@link BedrockTools}.
 *
 * <p>Errors arrive as an {@code x-amzn-ErrorType} header (or a body {@code __type}) and a {@code
 * message}. Throttling, service unavailable, model not ready, internal server errors and model
 * timeouts are retryable; validation, access denied, resource not found and model errors are not;
 * an unknown code is retryable when its status is 408, 429 or 5xx. A broken connection is a
 * retryable {@code connection_error}; an answer that is not the documented shape a non-retryable
 * {@code malformed_response}.
 */
public final class BedrockConverseProvider implements ModelProvider {

  /** The provider name routes and events use. */
  public static final String NAME = "bedrock";

  /** The SigV4 signing name of Bedrock Runtime. */
  public static final String SIGNING_NAME = "bedrock";

  /** The host prefix of the regional Bedrock Runtime endpoint. */
  public static final String HOST_PREFIX = "bedrock-runtime";

  /** The read timeout a {@link #fromEnvironment} provider uses unless configured. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private static final BedrockTools TOOLS = new BedrockTools();

  private static final Set<String> RETRYABLE =
      Set.of(
          "ThrottlingException",
          "ServiceUnavailableException",
          "ModelNotReadyException",
          "InternalServerException",
          "ModelTimeoutException");

  private static final Set<String> NOT_RETRYABLE =
      Set.of(
          "ValidationException",
          "AccessDeniedException",
          "ResourceNotFoundException",
          "ModelErrorException");

  /** Stop reasons that mean a guardrail or content filter withheld the answer. */
  private static final Set<String> REFUSALS = Set.of("guardrail_intervened", "content_filtered");

  /**
   * Inference parameters sent with every call besides the request's output cap.
   *
   * @param temperature the sampling temperature (0 to 1), or {@code null} for the model's default
   * @param stopSequences sequences that stop generation; empty for none
   */
  public record Inference(Double temperature, List<String> stopSequences) {

    /** The models' own defaults: nothing besides {@code maxTokens}. */
    public static final Inference DEFAULTS = new Inference(null, List.of());

    public Inference {
      stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
      if (temperature != null && !(temperature >= 0 && temperature <= 1)) {
        throw new IllegalArgumentException("temperature must be within [0, 1]: " + temperature);
      }
    }
  }

  private final String name;
  private final AwsJsonClient client;
  private final Inference inference;

  /**
   * A provider named {@code name} calling through {@code client}, which must be signed for {@link
   * #SIGNING_NAME} and point at a Bedrock Runtime endpoint.
   */
  public BedrockConverseProvider(String name, AwsJsonClient client, Inference inference) {
    this.name = Objects.requireNonNull(name, "name");
    this.client = Objects.requireNonNull(client, "client");
    this.inference = Objects.requireNonNull(inference, "inference");
  }

  /** A provider named {@link #NAME} with the models' default inference parameters. */
  public BedrockConverseProvider(AwsJsonClient client) {
    this(NAME, client, Inference.DEFAULTS);
  }

  /**
   * A provider for a Lambda container, configured by {@code env}:
   *
   * <ul>
   *   <li>{@code AWS_REGION} (set by Lambda): the region, unless {@code MAESTRO_BEDROCK_REGION}
   *       names another (Bedrock serves models in fewer regions than Lambda runs);
   *   <li>{@code MAESTRO_BEDROCK_ENDPOINT} (optional): an endpoint URI instead of the public
   *       regional one, such as a VPC interface endpoint; still signed for the region;
   *   <li>{@code MAESTRO_BEDROCK_TIMEOUT} (optional, ISO-8601, default {@code PT2M}): how long to
   *       wait for the answer; a long generation must fit in it, and it in the function's timeout.
   * </ul>
   *
   * Credentials come from the SDK's default chain (the function's role). Calls are not retried
   * here: a throttled or failing Bedrock is reported at once, so that {@code FailoverDispatch}
   * moves on to the tier's next provider and the circuit breaker sees every failure.
   */
  public static BedrockConverseProvider fromEnvironment(Map<String, String> env) {
    String region = env.get("MAESTRO_BEDROCK_REGION");
    if (region == null || region.isBlank()) {
      region = env.get("AWS_REGION");
    }
    if (region == null || region.isBlank()) {
      throw new IllegalStateException(
          "AWS_REGION must be set: the AWS region (set by Lambda) Bedrock is called in");
    }
    String override = env.get("MAESTRO_BEDROCK_ENDPOINT");
    AwsEndpoint endpoint =
        override == null || override.isBlank()
            ? AwsEndpoint.regional(HOST_PREFIX, region)
            : AwsEndpoint.override(region, URI.create(override));
    Duration timeout = timeout(env);
    return new BedrockConverseProvider(
        new AwsJsonClient(
            endpoint,
            SIGNING_NAME,
            UrlConnectionHttpClient.builder().socketTimeout(timeout).build(),
            DefaultCredentialsProvider.builder().build(),
            AwsRetryPolicy.none()));
  }

  private static Duration timeout(Map<String, String> env) {
    String value = env.get("MAESTRO_BEDROCK_TIMEOUT");
    if (value == null || value.isBlank()) return DEFAULT_TIMEOUT;
    try {
      Duration timeout = Duration.parse(value);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalStateException("MAESTRO_BEDROCK_TIMEOUT must be positive: " + value);
      }
      return timeout;
    } catch (DateTimeParseException e) {
      throw new IllegalStateException(
          "MAESTRO_BEDROCK_TIMEOUT must be an ISO-8601 duration such as PT2M, not " + value, e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** The endpoint this provider calls. */
  public AwsEndpoint endpoint() {
    return client.endpoint();
  }

  @Override
  public ModelDispatch.Response complete(String modelId, ModelDispatch.Request request) {
    Objects.requireNonNull(modelId, "modelId");
    ObjectNode body = body(request);
    long started = System.nanoTime();
    JsonNode reply;
    try {
      reply = client.callRest("Converse", SdkHttpMethod.POST, path(modelId), Map.of(), body);
    } catch (AwsCallException e) {
      throw error(e);
    }
    long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    try {
      return response(modelId, reply, elapsedMs);
    } catch (IllegalArgumentException e) {
      throw new ProviderException(name, 200, "malformed_response", e.getMessage(), false, e);
    }
  }

  /** {@code /model/{modelId}/converse} with the model id percent-encoded as one path segment. */
  static String path(String modelId) {
    if (modelId.isEmpty()) throw new IllegalArgumentException("modelId must not be empty");
    return "/model/" + encodeSegment(modelId) + "/converse";
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters. */
  private static String encodeSegment(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }

  /** The Converse request body; package-private for the wire-format tests. */
  ObjectNode body(ModelDispatch.Request request) {
    ObjectNode body = Json.mapper().createObjectNode();
    List<String> system = new ArrayList<>();
    if (request.system() != null) {
      system.add(request.system());
    }
    ArrayNode messages = body.putArray("messages");
    ObjectNode previous = null;
    for (ModelDispatch.Message m : request.messages()) {
      if (m.role().equals("system")) {
        system.add(m.content());
        continue;
      }
      if (previous != null && previous.path("role").asText().equals(m.role())) {
        ((ArrayNode) previous.get("content")).addAll(blocks(m));
        continue;
      }
      previous = messages.addObject().put("role", m.role());
      previous.set("content", blocks(m));
    }
    if (!system.isEmpty()) {
      ArrayNode blocks = body.putArray("system");
      system.forEach(s -> blocks.addObject().put("text", s));
    }
    ObjectNode config = body.putObject("inferenceConfig").put("maxTokens", request.maxTokens());
    if (inference.temperature() != null) {
      config.put("temperature", inference.temperature());
    }
    if (!inference.stopSequences().isEmpty()) {
      ArrayNode stops = config.putArray("stopSequences");
      inference.stopSequences().forEach(stops::add);
    }
    if (!request.tools().isEmpty()) {
      body.set("toolConfig", TOOLS.toolConfig(request.tools()));
    }
    return body;
  }

  /** A turn's blocks: tool results, then its text (always, for a plain turn), then tool calls. */
  private static ArrayNode blocks(ModelDispatch.Message m) {
    ArrayNode blocks = Json.mapper().createArrayNode();
    m.toolResults().forEach(r -> blocks.add(TOOLS.encodeResult(r)));
    boolean toolTraffic = !m.toolCalls().isEmpty() || !m.toolResults().isEmpty();
    if (!toolTraffic || !m.content().isEmpty()) {
      blocks.addObject().put("text", m.content());
    }
    m.toolCalls().forEach(c -> blocks.add(TOOLS.encodeCall(c)));
    return blocks;
  }

  private ModelDispatch.Response response(String modelId, JsonNode body, long elapsedMs) {
    JsonNode content = required(required(required(body, "output"), "message"), "content");
    if (!content.isArray()) {
      throw new IllegalArgumentException("Converse output.message.content is not an array");
    }
    StringBuilder text = new StringBuilder();
    List<ToolCall> toolCalls = new ArrayList<>();
    for (JsonNode block : content) {
      if (block.has("text")) {
        text.append(block.get("text").asText());
      } else if (block.has("toolUse")) {
        toolCalls.add(TOOLS.decodeCall(block));
      }
      // reasoningContent, images, documents and citations carry nothing this port returns
    }
    JsonNode usage = required(body, "usage");
    JsonNode latency = body.path("metrics").path("latencyMs");
    String stopReason =
        body.path("stopReason").isTextual() ? body.get("stopReason").asText() : null;
    return new ModelDispatch.Response(
        text.toString(),
        name,
        modelId,
        count(usage, "inputTokens"),
        count(usage, "outputTokens"),
        latency.isIntegralNumber() ? latency.asLong() : elapsedMs,
        BigDecimal.ZERO,
        REFUSALS.contains(stopReason) ? "refused" : "allowed",
        false,
        toolCalls,
        stopReason,
        List.of());
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("Converse response lacks '" + field + "': " + node);
    }
    return value;
  }

  private static long count(JsonNode usage, String field) {
    JsonNode value = required(usage, field);
    if (!value.isIntegralNumber() || value.asLong() < 0) {
      throw new IllegalArgumentException("Converse usage." + field + " is not a count: " + value);
    }
    return value.asLong();
  }

  private ProviderException error(AwsCallException e) {
    String code = e.errorCode();
    if (code.equals(AwsCallException.TRANSPORT_ERROR)) {
      return new ProviderException(name, 0, "connection_error", e.getMessage(), true, e);
    }
    if (code.equals(AwsCallException.MALFORMED_RESPONSE)) {
      return new ProviderException(
          name, e.statusCode(), "malformed_response", e.serviceMessage(), false, e);
    }
    int status = e.statusCode();
    boolean retryable =
        RETRYABLE.contains(code)
            || (!NOT_RETRYABLE.contains(code) && (status == 408 || status == 429 || status >= 500));
    String message =
        e.serviceMessage() == null || e.serviceMessage().isEmpty()
            ? e.getMessage()
            : e.serviceMessage();
    return new ProviderException(name, status, code, message, retryable, e);
  }
}
