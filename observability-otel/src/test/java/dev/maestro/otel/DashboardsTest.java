package dev.maestro.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboards under {@code infra/} show what the code emits: every metric they name is one
 * {@link OtelObservability} emits, and each of the main metrics is on both.
 */
class DashboardsTest {

  private static final Path INFRA = Path.of("..", "infra");
  private static final Pattern METRIC = Pattern.compile("maestro(?:\\.[a-z_]+)+");

  /** What the code emits: the main metrics and the tick engine's own report. */
  private static final Set<String> EMITTED =
      new TreeSet<>(
          Stream.concat(MetricNames.MAIN.stream(), Stream.of(MetricNames.TICKS)).toList());

  @Test
  void givenTheCloudWatchDashboard_whenRead_thenItNamesOnlyEmittedMetricsAndAllMainOnes()
      throws IOException {
    JsonNode dashboard = read("aws/dashboards/maestro-cloudwatch.json");
    assertThat(dashboard.path("widgets").isArray()).isTrue();
    List<JsonNode> metricWidgets = new ArrayList<>();
    dashboard
        .path("widgets")
        .forEach(
            w -> {
              if (w.path("type").asText().equals("metric")) metricWidgets.add(w);
            });
    assertThat(metricWidgets)
        .allSatisfy(
            w -> {
              assertThat(w.path("properties").path("region").isTextual()).isTrue();
              assertThat(w.path("properties").path("metrics").isArray()).isTrue();
            });

    Set<String> named = new TreeSet<>();
    metricWidgets.forEach(w -> collect(w.path("properties").path("metrics"), named));

    assertThat(EMITTED).containsAll(named);
    assertThat(named).containsAll(MetricNames.MAIN);
  }

  @Test
  void givenTheAzureWorkbook_whenRead_thenItsQueriesNameOnlyEmittedMetricsAndAllMainOnes()
      throws IOException {
    JsonNode workbook = read("azure/workbooks/maestro-workbook.json");
    assertThat(workbook.path("version").asText()).isEqualTo("Notebook/1.0");

    Set<String> named = new TreeSet<>();
    for (JsonNode item : workbook.path("items")) {
      if (item.path("type").asInt() != 3) continue;
      String query = item.path("content").path("query").asText();
      assertThat(query).startsWith("customMetrics");
      named.addAll(names(query));
    }

    assertThat(EMITTED).containsAll(named);
    assertThat(named).containsAll(MetricNames.MAIN);
  }

  private static JsonNode read(String file) throws IOException {
    return new ObjectMapper().readTree(Files.readString(INFRA.resolve(file)));
  }

  /** Every metric name in the strings under {@code node} (metric arrays, SEARCH expressions). */
  private static void collect(JsonNode node, Set<String> into) {
    if (node.isTextual()) {
      into.addAll(names(node.asText()));
      return;
    }
    if (node.isObject()) {
      // Labels and ids are free text; only metric names and expressions count.
      node.fields()
          .forEachRemaining(
              f -> {
                if (!f.getKey().equals("label") && !f.getKey().equals("id"))
                  collect(f.getValue(), into);
              });
      return;
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) collect(it.next(), into);
  }

  private static Set<String> names(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) out.add(m.group());
    return out;
  }
}
