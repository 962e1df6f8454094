package dev.maestro.ranker;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.api.Problems;
import dev.maestro.core.error.InvalidInputException;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.MicronautRequestHandler;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The reranker as an AWS Lambda function (container image, behind an API Gateway HTTP API, payload
 * format 2.0, or a function URL): {@code POST …/rerank} and {@code GET …/health}, the same
 * responses as {@link RerankController}. The Micronaut context, and with it the model, is built
 * once per execution environment in the init phase; each invocation is one call into {@link
 * RerankService}. A base64-encoded body is decoded first.
 *
 * <p>Image command: {@code dev.maestro.ranker.RerankFunction::handleRequest}.
 */
public class RerankFunction
    extends MicronautRequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  @Inject RerankService service;

  /** The handler the Lambda runtime instantiates: starts Micronaut and loads the model. */
  public RerankFunction() {}

  /** A handler over a context built from {@code builder} (tests set the model directory here). */
  public RerankFunction(ApplicationContextBuilder builder) {
    super(builder);
  }

  @Override
  public APIGatewayV2HTTPResponse execute(APIGatewayV2HTTPEvent event) {
    return toLambda(route(event));
  }

  private ApiResponse route(APIGatewayV2HTTPEvent event) {
    String method = method(event);
    String path = event.getRawPath() == null ? "/" : event.getRawPath();
    if (path.endsWith("/rerank")) {
      if (!"POST".equals(method)) return Problems.methodNotAllowed(method, List.of("POST"), path);
      try {
        return service.rerank(body(event));
      } catch (InvalidInputException e) {
        return Problems.of(e, path, false);
      }
    }
    if (path.endsWith("/health")) {
      return "GET".equals(method)
          ? service.health()
          : Problems.methodNotAllowed(method, List.of("GET"), path);
    }
    return Problems.noRoute(path);
  }

  private static String method(APIGatewayV2HTTPEvent event) {
    var context = event.getRequestContext();
    if (context == null || context.getHttp() == null || context.getHttp().getMethod() == null) {
      return "POST";
    }
    return context.getHttp().getMethod();
  }

  private static String body(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null || !event.getIsBase64Encoded()) return body;
    try {
      return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.of("", "the body is marked base64 but is not valid base64");
    }
  }

  private static APIGatewayV2HTTPResponse toLambda(ApiResponse response) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(response.status())
        .withHeaders(response.headers())
        .withBody(new String(response.body(), StandardCharsets.UTF_8))
        .withIsBase64Encoded(false)
        .build();
  }
}
