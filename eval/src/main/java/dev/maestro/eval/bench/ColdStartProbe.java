package dev.maestro.eval.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.maestro.aws.lambda.ApiHandler;
import dev.maestro.aws.tick.PhaseHandler;
import dev.maestro.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * The child process of {@link ColdStartBenchmark}. {@code hello} prints a line and exits (the bare
 * JVM baseline). {@code api} and {@code tick} initialise a Lambda handler as the Lambda runtime
 * would (its public no-argument constructor, which builds the container's clients and, when asked,
 * primes them) and answer one event: the API a {@code GET /health} HTTP API event, the tick's
 * acquire phase a request for a continuation that does not exist (one DynamoDB read over HTTP, one
 * conditional delete). Prints the answer, then {@code first_invoke_us=N}: the first invocation's
 * own time, after initialisation.
 */
public final class ColdStartProbe {

  private ColdStartProbe() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "hello" -> System.out.println("hello");
      case "api" -> {
        var handler = new ApiHandler();
        long start = System.nanoTime();
        int status = handler.handleRequest(healthEvent(), null).getStatusCode();
        long took = (System.nanoTime() - start) / 1_000;
        System.out.println(status);
        System.out.println("first_invoke_us=" + took);
      }
      case "tick" -> {
        var handler = new PhaseHandler.Acquire();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String input =
            """
            {"request":{"tenant":"coldstart","continuation_id":"%s",
             "wake":{"id":"start","kind":"timer","channel":"start","at":"%s"}},
             "started_at":"%s"}"""
                .formatted(uuidV7(now), now, now);
        var out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        handler.handleRequest(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
        long took = (System.nanoTime() - start) / 1_000;
        System.out.println(Json.mapper().readTree(out.toByteArray()).path("action").asText());
        System.out.println("first_invoke_us=" + took);
      }
      default -> {
        System.err.println("usage: ColdStartProbe hello|api|tick");
        System.exit(2);
      }
    }
  }

  private static APIGatewayV2HTTPEvent healthEvent() {
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
    return event;
  }

  /** A version-7 UUID for {@code at} (the continuation id format). */
  private static String uuidV7(Instant at) {
    UUID random = UUID.randomUUID();
    long msb = (at.toEpochMilli() << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL);
    long lsb = (random.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
