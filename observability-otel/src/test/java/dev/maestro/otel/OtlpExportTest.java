package dev.maestro.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP/HTTP export to a collector stand-in on the loopback address, configured by env vars. */
class OtlpExportTest {

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** One POST the stand-in received. */
  record Post(String path, String contentType, Map<String, List<String>> headers, byte[] body) {}

  private HttpServer server;
  private final List<Post> posts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          posts.add(
              new Post(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void givenAnEndpoint_whenATickEnds_thenItsSpansArePostedAsOtlpProtobufToV1Traces() {
    var log = new RecordedLog(T0);
    log.spawn(T0);
    log.nextGeneration();
    log.append(
        T0,
        new EventPayload.Woken(
            "start", WakeKind.TIMER, "start", JsonNodeFactory.instance.objectNode()));
    log.append(
        T0.plusMillis(5),
        new EventPayload.Slept(new WakeCondition.Timer("t", T0.plusSeconds(9)), "r", null));
    var env =
        Map.of(
            OtlpSettings.ENDPOINT,
            endpoint(),
            "OTEL_EXPORTER_OTLP_HEADERS",
            "x-maestro-key=s3cret%21",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            "5000");

    try (OtelObservability otel =
        OtelObservability.fromEnvironment("aws", env, SpawnSpans.NONE, true).orElseThrow()) {
      log.events.forEach(otel::appended);

      // Serverless mode: the tick's end has already pushed the spans and the metrics out.
      List<Post> traces = posts.stream().filter(p -> p.path().equals("/v1/traces")).toList();
      assertThat(traces).isNotEmpty();
      assertThat(traces)
          .allSatisfy(p -> assertThat(p.contentType()).isEqualTo("application/x-protobuf"));
      byte[] all = concat(traces);
      assertThat(indexOf(all, HexFormat.of().parseHex(log.id.traceId()))).isNotNegative();
      for (var e : log.events) {
        assertThat(indexOf(all, HexFormat.of().parseHex(e.spanId()))).isNotNegative();
      }
      assertThat(indexOf(all, "maestro-aws".getBytes())).isNotNegative();
      assertThat(traces.get(0).headers().get("X-maestro-key")).containsExactly("s3cret!");
      List<Post> metrics = posts.stream().filter(p -> p.path().equals("/v1/metrics")).toList();
      assertThat(metrics).isNotEmpty();
      assertThat(indexOf(concat(metrics), MetricNames.TICK_DURATION.getBytes())).isNotNegative();
    }
  }

  @Test
  void givenNoEndpoint_whenConfigured_thenExportIsOff() {
    assertThat(OtelObservability.fromEnvironment("local", Map.of(), SpawnSpans.NONE, false))
        .isEmpty();
    assertThat(
            OtlpSettings.fromEnvironment(
                "local", Map.of(OtlpSettings.ENDPOINT, endpoint(), "OTEL_SDK_DISABLED", "true")))
        .isEmpty();
  }

  @Test
  void givenTheStandardVariables_whenRead_thenEndpointsServiceAndIntervalFollowThem() {
    OtlpSettings s =
        OtlpSettings.fromEnvironment(
                "azure",
                Map.of(
                    OtlpSettings.ENDPOINT,
                    "http://collector:4318/",
                    "OTEL_RESOURCE_ATTRIBUTES",
                    "deployment.environment=dev",
                    "OTEL_METRIC_EXPORT_INTERVAL",
                    "15000"))
            .orElseThrow();
    assertThat(s.tracesEndpoint()).hasToString("http://collector:4318/v1/traces");
    assertThat(s.metricsEndpoint()).hasToString("http://collector:4318/v1/metrics");
    assertThat(s.serviceName()).isEqualTo("maestro-azure");
    assertThat(s.resourceAttributes()).containsEntry("deployment.environment", "dev");
    assertThat(s.metricInterval()).isEqualTo(Duration.ofSeconds(15));

    assertThat(
            OtlpSettings.fromEnvironment(
                    "local",
                    OtlpSettings.withEndpoint(
                        Map.of("OTEL_SERVICE_NAME", "mine"), "https://otel.example:4318"))
                .orElseThrow())
        .extracting(OtlpSettings::serviceName, o -> o.tracesEndpoint().toString())
        .containsExactly("mine", "https://otel.example:4318/v1/traces");
  }

  @Test
  void givenAMalformedVariable_whenRead_thenTheErrorNamesIt() {
    assertThatThrownBy(
            () ->
                OtlpSettings.fromEnvironment(
                    "local",
                    Map.of(
                        OtlpSettings.ENDPOINT, endpoint(), "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
        .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL");
    assertThatThrownBy(
            () ->
                OtlpSettings.fromEnvironment(
                    "local",
                    Map.of(
                        OtlpSettings.ENDPOINT, endpoint(), "OTEL_METRIC_EXPORT_INTERVAL", "soon")))
        .hasMessageContaining("OTEL_METRIC_EXPORT_INTERVAL");
    assertThatThrownBy(
            () -> OtlpSettings.fromEnvironment("local", Map.of(OtlpSettings.ENDPOINT, "collector")))
        .hasMessageContaining(OtlpSettings.ENDPOINT);
  }

  private static byte[] concat(List<Post> posts) {
    var out = new java.io.ByteArrayOutputStream();
    posts.forEach(p -> out.writeBytes(p.body()));
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
