package dev.maestro.local.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.api.Problems;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.MaestroException;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.InvalidStreamMessageException;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.stream.StreamMessages;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /streams/{topic}}: the embedded runtime's stream ingest over HTTP, local only (the
 * clouds take stream messages from their queues and buses; this route is not part of the shared API
 * document). The body is the stream message the clouds read ({@link StreamMessages}); {@code
 * tenant} comes from the bearer token and {@code topic} from the path, so the body may leave both
 * out and may only repeat them unchanged. {@code message_id} defaults to the {@code
 * Idempotency-Key} header, else to a fresh id; the same (topic, message id) is the same wake, which
 * each continuation applies at most once. The message wakes the continuation its {@code
 * continuation_id} names, or every continuation of the tenant subscribed to the topic; each tick
 * then matches it against the wake condition's predicate.
 *
 * <p>Answers {@code 202} with {@code {topic, message_id, wake_id, wakes}} ({@code wakes}: the
 * continuations it was delivered to). A body that is not a valid message is dead-lettered as
 * {@value #SOURCE}, as the clouds' stream functions do with poison records, and answered with
 * problem+json 400 naming the field; nothing is delivered.
 */
public final class StreamRoute {

  /** The route's path prefix; the rest of the path is the (percent-encoded) topic. */
  public static final String PREFIX = "/streams/";

  /** The dead-letter source of rejected bodies. */
  public static final String SOURCE = "http";

  private final Identity identity;
  private final StreamIngest streams;
  private final DeadLetters deadLetters;
  private final Clock clock;

  public StreamRoute(
      Identity identity, StreamIngest streams, DeadLetters deadLetters, Clock clock) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code path} is this route's. */
  static boolean serves(String path) {
    return path.startsWith(PREFIX);
  }

  /** Handles one request whose path starts with {@value #PREFIX}. Never throws for bad input. */
  ApiResponse handle(ApiRequest request) {
    String path = request.path();
    String rawTopic = path.substring(PREFIX.length());
    if (rawTopic.isEmpty() || rawTopic.contains("/")) return Problems.noRoute(path);
    if (!"POST".equals(request.method()))
      return Problems.methodNotAllowed(request.method(), Set.of("POST"), path);
    if (request.bodyLength() > ApiRouter.MAX_BODY_BYTES)
      return Problems.payloadTooLarge(ApiRouter.MAX_BODY_BYTES, path);
    boolean credentials = request.header("Authorization").isPresent();
    try {
      Principal caller = identity.authenticate(request.header("Authorization").orElse(null));
      if (!request.query().isEmpty()) {
        String name = request.query().keySet().iterator().next();
        throw InvalidInputException.of("/query/" + name, "unknown query parameter");
      }
      String mediaTypeProblem = mediaTypeProblem(request);
      if (mediaTypeProblem != null) return Problems.unsupportedMediaType(mediaTypeProblem, path);
      String topic = topic(rawTopic);
      String defaultId =
          request.header("Idempotency-Key").orElseGet(() -> UUID.randomUUID().toString());
      String raw = new String(request.body(), StandardCharsets.UTF_8);
      Instant now = clock.instant();
      StreamMessage message;
      try {
        message = parse(raw, caller, topic, defaultId);
      } catch (InvalidStreamMessageException poison) {
        deadLetters.record(new DeadLetter(SOURCE, defaultId, now, raw, poison.getMessage()));
        throw InvalidInputException.of(poison.field(), poison.problem());
      }
      int wakes = streams.deliver(message, now);
      var body = new LinkedHashMap<String, Object>();
      body.put("topic", message.topic());
      body.put("message_id", message.messageId());
      body.put("wake_id", StreamMessage.wakeId(message.topic(), message.messageId()));
      body.put("wakes", wakes);
      return ApiResponse.json(202, body).withHeader("Cache-Control", "no-store");
    } catch (MaestroException e) {
      return Problems.of(e, path, credentials);
    }
  }

  /**
   * The message in {@code raw}, with the caller's tenant and the path's topic. A {@code topic}
   * defect found in the path is reported at {@code /path/topic}.
   */
  private static StreamMessage parse(String raw, Principal caller, String topic, String defaultId) {
    JsonNode tree;
    try {
      tree = raw.isBlank() ? null : Json.tree(raw);
    } catch (UncheckedIOException notJson) {
      throw new InvalidStreamMessageException("", "the body is not JSON");
    }
    if (tree == null || !tree.isObject()) {
      throw new InvalidStreamMessageException("", "the body must be a JSON object");
    }
    ObjectNode node = ((ObjectNode) tree).deepCopy();
    JsonNode tenant = node.get("tenant");
    if (tenant != null && !(tenant.isTextual() && tenant.asText().equals(caller.tenant().value())))
      throw new InvalidStreamMessageException(
          "/tenant", "the tenant comes from the token; leave it out or repeat it unchanged");
    JsonNode given = node.get("topic");
    if (given != null && !(given.isTextual() && given.asText().equals(topic)))
      throw new InvalidStreamMessageException(
          "/topic", "the topic comes from the path; leave it out or repeat it unchanged");
    node.put("tenant", caller.tenant().value());
    node.put("topic", topic);
    try {
      return StreamMessages.parse(node, defaultId);
    } catch (InvalidStreamMessageException e) {
      if (given == null && e.field().equals("/topic"))
        throw new InvalidStreamMessageException("/path/topic", e.problem());
      throw e;
    }
  }

  private static String topic(String raw) {
    try {
      // Percent-decoding only: a '+' in a path is a plus sign, not a space.
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException badEscape) {
      throw InvalidInputException.of("/path/topic", "not a valid percent-encoded segment");
    }
  }

  private static String mediaTypeProblem(ApiRequest request) {
    String contentType = request.header("Content-Type").orElse(null);
    if (contentType == null) return "a body of Content-Type application/json is required";
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.equals(ApiResponse.JSON) ? null : "Content-Type must be application/json";
  }
}
