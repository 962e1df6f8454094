package dev.maestro.eval.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.maestro.aws.lambda.ApiHandler;
import java.util.Map;

/**
 * The child process of {@link ColdStartBenchmark}: {@code hello} prints a line and exits (the bare
 * JVM baseline); {@code api} initialises the API Lambda handler as the Lambda runtime would (its
 * public constructor, which builds the container's clients) and answers one HTTP API event, then
 * prints the status code.
 */
public final class ColdStartProbe {

  private ColdStartProbe() {}

  public static void main(String[] args) {
    switch (args.length == 0 ? "" : args[0]) {
      case "hello" -> System.out.println("hello");
      case "api" -> System.out.println(apiFirstResponse().getStatusCode());
      default -> {
        System.err.println("usage: ColdStartProbe hello|api");
        System.exit(2);
      }
    }
  }

  private static APIGatewayV2HTTPResponse apiFirstResponse() {
    var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod("GET");
    http.setPath("/health");
    var context = new APIGatewayV2HTTPEvent.RequestContext();
    context.setHttp(http);
    var event = new APIGatewayV2HTTPEvent();
    event.setVersion("2.0");
    event.setRawPath("/health");
    event.setRawQueryString("");
    event.setHeaders(Map.of("accept", "application/json"));
    event.setRequestContext(context);
    return new ApiHandler().handleRequest(event, null);
  }
}
