package dev.maestro.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.field.LuceneFieldSource;
import dev.maestro.field.MiniLmEmbedder;
import dev.maestro.field.structured.ShippedTable;
import dev.maestro.field.structured.StructuredIndex;
import dev.maestro.field.structured.StructuredReader;
import dev.maestro.local.runtime.LocalConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /fields/{id}} over real HTTP on the embedded stack with a structured index in the data
 * directory: the field source discovers it, STRUCTURED items come back with their table, record id
 * and file#line, and a table ingested while the server runs is recalled without a restart.
 */
class StructuredFieldRouteTest {

  private static final String GOAL =
      """
      {"objective":"Which licence is id:Zlib, and is it OSI approved? Also list growers with country:Kenya",
       "successCriteria":["the licence named"],
       "budget":{"maxUsd":1},"parameters":{"sleep":"PT0S"}}
      """;

  @TempDir static Path dir;
  static MiniLmEmbedder embedder;
  static LocalStack stack;
  static HttpClient http;
  static String acme;

  @BeforeAll
  static void start() {
    embedder = MiniLmEmbedder.load(2);
    Path table = ShippedTable.writeTo(dir.resolve("tables"));
    try (var index =
        StructuredIndex.open(dir.resolve(LuceneFieldSource.STRUCTURED_DIR), embedder)) {
      index.ingest(StructuredReader.read(table, null, "id"), false, null);
    }
    stack = LocalStack.start(LocalConfig.defaults(dir), "127.0.0.1", 0);
    http = HttpClient.newHttpClient();
    acme = stack.issuer.mint(TenantId.of("acme"), "alice@acme", Duration.ofMinutes(5));
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
    if (embedder != null) embedder.close();
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
            .header("Authorization", "Bearer " + acme);
    if (body != null)
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    else request.method(method, HttpRequest.BodyPublishers.noBody());
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> structuredItems(String id) throws Exception {
    HttpResponse<String> r = send("GET", "/fields/" + id + "?budgetTokens=4000", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    var out = new ArrayList<JsonNode>();
    for (JsonNode item : Json.tree(r.body()).path("items"))
      if (item.path("channel").asText().equals("structured")) out.add(item);
    return out;
  }

  @Test
  void givenAStructuredIndex_whenTheFieldIsAsked_thenRecordsComeWithProvenanceAndFollowNewCommits()
      throws Exception {
    assertThat(stack.fields.channels()).extracting(c -> c.name()).contains("structured");
    HttpResponse<String> created = send("POST", "/continuations", GOAL);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = Json.tree(created.body()).path("id").asText();

    HttpResponse<String> r = send("GET", "/fields/" + id + "?budgetTokens=4000", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode field = Json.tree(r.body());
    JsonNode report = null;
    for (JsonNode c : field.path("channels"))
      if (c.path("name").asText().equals("structured")) report = c;
    assertThat(report).as(r.body()).isNotNull();
    assertThat(report.path("outcome").asText()).isEqualTo("answered");
    List<JsonNode> items = structuredItems(id);
    JsonNode zlib =
        items.stream()
            .filter(i -> i.path("provenance").get(0).path("uri").asText().equals("Zlib"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Zlib record in " + r.body()));
    assertThat(zlib.path("text").asText()).startsWith("table: spdx-licenses; id: Zlib;");
    assertThat(zlib.path("provenance").get(0).path("source").asText())
        .isEqualTo(ShippedTable.TABLE);
    assertThat(zlib.path("provenance").get(1).path("uri").asText())
        .endsWith(ShippedTable.FILE + "#" + lineOf("Zlib"));
    assertThat(items)
        .noneMatch(i -> i.path("provenance").get(0).path("source").asText().equals("farms"));

    // a second table lands while the server runs: the read-only index follows the commit
    Path csv =
        Files.writeString(
            dir.resolve("tables").resolve("farms.csv"),
            "id,country,crop\nke-1,Kenya,tea\nug-1,Uganda,coffee\n");
    try (var writer =
        StructuredIndex.open(dir.resolve(LuceneFieldSource.STRUCTURED_DIR), embedder)) {
      writer.ingest(StructuredReader.read(csv, null, "id"), false, null);
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                structuredItems(id).stream()
                    .anyMatch(
                        i ->
                            i.path("provenance").get(0).path("source").asText().equals("farms")
                                && i.path("provenance")
                                    .get(0)
                                    .path("uri")
                                    .asText()
                                    .equals("ke-1")));
  }

  private static int lineOf(String licence) throws Exception {
    List<String> lines = Files.readAllLines(dir.resolve("tables").resolve(ShippedTable.FILE));
    for (int i = 0; i < lines.size(); i++)
      if (lines.get(i).startsWith("{\"id\": \"" + licence + "\"")) return i + 1;
    throw new AssertionError(licence);
  }
}
