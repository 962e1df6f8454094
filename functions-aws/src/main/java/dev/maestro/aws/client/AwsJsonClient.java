package dev.maestro.aws.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One SigV4-signed JSON call to one AWS service, in either of the two JSON protocols AWS services
 * speak: awsJson (every operation a {@code POST /} named by {@code X-Amz-Target}) and restJson (the
 * operation is a method and a path). Transient failures (throttling, 5xx, transport errors) are
 * retried per the {@link AwsRetryPolicy}; a client error (4xx other than throttling) never is. A
 * failure that remains is an {@link AwsCallException}.
 *
 * <p>Thread-safe; build one per service per container and share it. The HTTP client and the
 * credentials provider belong to the caller.
 */
public final class AwsJsonClient {

  /** Error codes that mean "slow down" even when the service answers them with HTTP 400. */
  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "ProvisionedThroughputExceededException",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "SlowDown");

  /** Waits between attempts; replaced in tests so they never sleep. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final AwsEndpoint endpoint;
  private final String signingName;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final AwsRetryPolicy retry;
  private final Clock signingClock;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  /**
   * A client for the service at {@code endpoint} whose SigV4 signing name is {@code signingName}
   * (for example {@code scheduler}, {@code states}, {@code firehose}).
   */
  public AwsJsonClient(
      AwsEndpoint endpoint,
      String signingName,
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      AwsRetryPolicy retry) {
    this(
        endpoint,
        signingName,
        http,
        credentials,
        retry,
        Clock.systemUTC(),
        d -> Thread.sleep(d),
        ThreadLocalRandom.current());
  }

  AwsJsonClient(
      AwsEndpoint endpoint,
      String signingName,
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      AwsRetryPolicy retry,
      Clock signingClock,
      Sleeper sleeper,
      RandomGenerator random) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.signingName = Objects.requireNonNull(signingName, "signingName");
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.signingClock = Objects.requireNonNull(signingClock, "signingClock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * A client with the defaults of a Lambda container: a new URL-connection HTTP client, the default
   * credentials chain (the function's role) and {@link AwsRetryPolicy#standard()}.
   */
  public static AwsJsonClient create(AwsEndpoint endpoint, String signingName) {
    return new AwsJsonClient(
        endpoint,
        signingName,
        UrlConnectionHttpClient.create(),
        DefaultCredentialsProvider.builder().build(),
        AwsRetryPolicy.standard());
  }

  /** The endpoint this client calls. */
  public AwsEndpoint endpoint() {
    return endpoint;
  }

  /**
   * An awsJson call: {@code POST /} with {@code X-Amz-Target: target} and content type {@code
   * application/x-amz-json-<protocolVersion>}. Returns the response body (an empty object when the
   * body is empty).
   *
   * @param protocolVersion {@code 1.0} or {@code 1.1}
   * @param target the service prefix and operation, such as {@code AWSStepFunctions.StartExecution}
   */
  public JsonNode callTarget(String protocolVersion, String target, JsonNode body) {
    if (!protocolVersion.equals("1.0") && !protocolVersion.equals("1.1")) {
      throw new IllegalArgumentException("awsJson protocol version is 1.0 or 1.1");
    }
    Objects.requireNonNull(body, "body");
    var request =
        base(SdkHttpMethod.POST, "/")
            .putHeader("Content-Type", "application/x-amz-json-" + protocolVersion)
            .putHeader("X-Amz-Target", target);
    return execute(target, request, Json.writeBytes(body));
  }

  /**
   * A restJson call: {@code method path?query} with an optional JSON body. Returns the response
   * body (an empty object when the body is empty).
   *
   * @param operation the operation's name, for error messages
   * @param path the already-encoded path, starting with {@code /}
   * @param query query parameters (unencoded); empty for none
   * @param body the request body, or {@code null} for none
   */
  public JsonNode callRest(
      String operation,
      SdkHttpMethod method,
      String path,
      Map<String, String> query,
      JsonNode body) {
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with /");
    var request = base(method, path);
    query.forEach(request::appendRawQueryParameter);
    byte[] bytes = null;
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
      bytes = Json.writeBytes(body);
    }
    return execute(operation, request, bytes);
  }

  private SdkHttpFullRequest.Builder base(SdkHttpMethod method, String path) {
    URI uri = endpoint.uri();
    return SdkHttpFullRequest.builder()
        .method(method)
        .protocol(uri.getScheme())
        .host(uri.getHost())
        .port(uri.getPort() == -1 ? null : uri.getPort())
        .encodedPath(path)
        .putHeader("Accept", "application/json");
  }

  private JsonNode execute(String operation, SdkHttpFullRequest.Builder request, byte[] body) {
    if (body != null) request.putHeader("Content-Length", Integer.toString(body.length));
    SdkHttpFullRequest unsigned = request.build();
    for (int attempt = 1; ; attempt++) {
      AwsCallException failure;
      try {
        return attempt(operation, unsigned, body);
      } catch (AwsCallException e) {
        failure = e;
      }
      if (!failure.retryable() || attempt >= retry.maxAttempts()) throw failure;
      Duration ceiling = retry.ceiling(attempt);
      long wait = ceiling.isZero() ? 0 : random.nextLong(ceiling.toNanos() + 1);
      try {
        sleeper.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.addSuppressed(e);
        throw failure;
      }
    }
  }

  private JsonNode attempt(String operation, SdkHttpFullRequest unsigned, byte[] body) {
    AwsCredentialsIdentity identity = credentials.resolveCredentials();
    SignedRequest signed =
        AwsSigV4.sign(unsigned, body, identity, signingName, endpoint.region(), signingClock);
    int status;
    Map<String, java.util.List<String>> headers;
    byte[] responseBody;
    try {
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      SdkHttpResponse head = response.httpResponse();
      status = head.statusCode();
      headers = head.headers();
      responseBody = readAll(response.responseBody().orElse(null));
    } catch (IOException | UncheckedIOException e) {
      throw new AwsCallException(
          operation, 0, AwsCallException.TRANSPORT_ERROR, e.getMessage(), true, e);
    }
    if (status >= 200 && status < 300) return success(operation, status, responseBody);
    throw error(operation, status, headers, responseBody);
  }

  /**
   * A success answer's body: an empty object when there is none; a body that is not JSON is a
   * {@link AwsCallException#MALFORMED_RESPONSE}, not retried (the same request would be answered
   * the same way).
   */
  private static JsonNode success(String operation, int status, byte[] body) {
    if (body.length == 0) return JsonNodeFactory.instance.objectNode();
    try {
      JsonNode node = Json.mapper().readTree(body);
      return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
    } catch (IOException e) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      throw new AwsCallException(
          operation,
          status,
          AwsCallException.MALFORMED_RESPONSE,
          "the response body is not JSON: "
              + (text.length() <= 200 ? text : text.substring(0, 200) + "..."),
          false,
          e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    if (in == null) return new byte[0];
    try (in) {
      return in.readAllBytes();
    }
  }

  private static Optional<JsonNode> parse(byte[] body) {
    if (body.length == 0) return Optional.empty();
    try {
      JsonNode node = Json.mapper().readTree(body);
      return Optional.ofNullable(node).filter(n -> !n.isMissingNode());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The exception for an error answer, its code from the header or else the body. */
  static AwsCallException error(
      String operation, int status, Map<String, java.util.List<String>> headers, byte[] body) {
    Optional<JsonNode> json = parse(body).filter(JsonNode::isObject);
    String code =
        header(headers, "x-amzn-ErrorType")
            .or(() -> json.map(n -> n.path("__type").asText(null)))
            .or(() -> json.map(n -> n.path("code").asText(null)))
            .or(() -> json.map(n -> n.path("Code").asText(null)))
            .map(AwsJsonClient::errorCode)
            .filter(c -> !c.isEmpty())
            .orElse("HTTP" + status);
    String message =
        json.map(
                n ->
                    n.hasNonNull("message")
                        ? n.get("message").asText()
                        : n.hasNonNull("Message")
                            ? n.get("Message").asText()
                            : n.path("errorMessage").asText(""))
            .orElseGet(() -> new String(body, StandardCharsets.UTF_8).strip());
    boolean retryable = status == 429 || status >= 500 || THROTTLING_CODES.contains(code);
    return new AwsCallException(operation, status, code, message, retryable, null);
  }

  /**
   * The bare error code: {@code aws.protocoltests#FooError:http://...} becomes {@code FooError}
   * (namespace before {@code #} and anything after {@code :} dropped).
   */
  static String errorCode(String raw) {
    String code = raw.strip();
    int colon = code.indexOf(':');
    if (colon >= 0) code = code.substring(0, colon);
    int hash = code.lastIndexOf('#');
    if (hash >= 0) code = code.substring(hash + 1);
    return code;
  }

  private static Optional<String> header(Map<String, java.util.List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(
            e ->
                e.getKey() != null
                    && e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
        .flatMap(e -> e.getValue().stream())
        .findFirst();
  }
}
