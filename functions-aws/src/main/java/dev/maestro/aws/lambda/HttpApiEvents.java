package dev.maestro.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates API Gateway HTTP API events (payload format 2.0) to and from the router's
 * transport-neutral request and response. Nothing here interprets the API: routing, validation and
 * error rendering stay in the router.
 */
final class HttpApiEvents {

  private HttpApiEvents() {}

  /**
   * The router's view of {@code event}.
   *
   * @throws IllegalArgumentException if {@code event} is not a payload format 2.0 event (no {@code
   *     requestContext.http.method} or no {@code rawPath}) or claims a base64 body that is not
   *     base64: both mean the integration is misconfigured, not that the caller erred
   */
  static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
    var context = event.getRequestContext();
    var http = context == null ? null : context.getHttp();
    if (http == null || http.getMethod() == null || event.getRawPath() == null) {
      throw new IllegalArgumentException(
          "not an HTTP API payload format 2.0 event (requestContext.http.method and rawPath are"
              + " required)");
    }
    return new ApiRequest(
        http.getMethod(), event.getRawPath(), query(event), headers(event), body(event));
  }

  /** The HTTP API response for {@code response}; the router's bodies are UTF-8 JSON text. */
  static APIGatewayV2HTTPResponse toResponse(ApiResponse response) {
    byte[] body = response.body();
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(new LinkedHashMap<>(response.headers()))
        .withBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8))
        .withIsBase64Encoded(false)
        .build();
  }

  /**
   * Query parameters from {@code rawQueryString} when present: format 2.0 joins repeated parameters
   * with commas in {@code queryStringParameters}, which would hide a repetition the router rejects
   * and corrupt a value that itself contains a comma.
   */
  private static Map<String, List<String>> query(APIGatewayV2HTTPEvent event) {
    if (event.getRawQueryString() != null) return ApiRequest.parseQuery(event.getRawQueryString());
    var query = new LinkedHashMap<String, List<String>>();
    if (event.getQueryStringParameters() != null) {
      event.getQueryStringParameters().forEach((name, value) -> query.put(name, List.of(value)));
    }
    return query;
  }

  /** Headers; format 2.0 already joins repeated headers with commas, so each has one value. */
  private static Map<String, List<String>> headers(APIGatewayV2HTTPEvent event) {
    var headers = new LinkedHashMap<String, List<String>>();
    if (event.getHeaders() != null) {
      event
          .getHeaders()
          .forEach((name, value) -> headers.put(name, List.of(value == null ? "" : value)));
    }
    return headers;
  }

  private static byte[] body(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null) return new byte[0];
    if (!event.getIsBase64Encoded()) return body.getBytes(StandardCharsets.UTF_8);
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the event's base64-encoded body is not base64", e);
    }
  }
}
