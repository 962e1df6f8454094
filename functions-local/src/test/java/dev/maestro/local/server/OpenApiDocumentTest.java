package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.api.GoalFrameParser;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.local.server.ApiHarness.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in OpenAPI document is complete and true: it is OpenAPI 3.1, documents exactly the
 * routes the router serves with the methods each accepts, resolves every reference, states the
 * limits the code enforces, and real responses of every documented status validate against its
 * schemas.
 */
class OpenApiDocumentTest {

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final JsonSchemaFactory SCHEMAS =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  static JsonNode doc;
  @TempDir static Path dir;
  static ApiHarness api;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = ApiRouter.class.getResourceAsStream(ApiRouter.OPENAPI_RESOURCE)) {
      assertThat(in).as(ApiRouter.OPENAPI_RESOURCE).isNotNull();
      doc = Json.tree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    api = ApiHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void givenTheDocument_whenParsed_thenItIsOpenApi31WithABearerJwtScheme() {
    assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
    JsonNode bearer = doc.at("/components/securitySchemes/bearerAuth");
    assertThat(bearer.path("type").asText()).isEqualTo("http");
    assertThat(bearer.path("scheme").asText()).isEqualTo("bearer");
    assertThat(bearer.path("bearerFormat").asText()).isEqualTo("JWT");
    assertThat(doc.path("security").get(0).has("bearerAuth")).isTrue();
  }

  @Test
  void givenEveryRoute_whenLookedUp_thenTheDocumentHasItsPathAndMethod() {
    for (ApiRouter.Route route : ApiRouter.routes()) {
      JsonNode operation =
          doc.path("paths").path(route.path()).path(route.method().toLowerCase(Locale.ROOT));
      assertThat(operation.isObject())
          .as("%s %s is documented", route.method(), route.path())
          .isTrue();
      assertThat(operation.path("operationId").asText())
          .as("operationId of %s", route)
          .isNotBlank();
      assertThat(operation.path("responses").isObject()).isTrue();
      if (route.authenticated()) {
        assertThat(operation.has("security")).as("%s inherits bearer security", route).isFalse();
        assertThat(operation.path("responses").has("401")).as("%s documents 401", route).isTrue();
      } else {
        assertThat(operation.path("security").isArray() && operation.path("security").isEmpty())
            .as("%s is documented as open", route)
            .isTrue();
      }
    }
  }

  @Test
  void givenEveryDocumentedOperation_whenLookedUp_thenTheRouterServesIt() {
    var served = new HashSet<String>();
    ApiRouter.routes().forEach(r -> served.add(r.method() + " " + r.path()));
    var documented = new TreeSet<String>();
    doc.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        name -> {
                          if (HTTP_METHODS.contains(name))
                            documented.add(name.toUpperCase(Locale.ROOT) + " " + path.getKey());
                        }));

    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void givenEveryOperation_whenInspected_thenPathParametersAreDeclaredAndErrorsAreProblems() {
    forEachOperation(
        (path, method, operation) -> {
          var parameters = new ArrayList<JsonNode>();
          doc.path("paths").path(path).path("parameters").forEach(p -> parameters.add(resolve(p)));
          operation.path("parameters").forEach(p -> parameters.add(resolve(p)));
          for (String segment : path.split("/")) {
            if (segment.startsWith("{")) {
              String name = segment.substring(1, segment.length() - 1);
              assertThat(parameters)
                  .as("%s %s declares {%s}", method, path, name)
                  .anyMatch(
                      p ->
                          p.path("in").asText().equals("path")
                              && p.path("name").asText().equals(name)
                              && p.path("required").asBoolean());
            }
          }
          operation
              .path("responses")
              .fields()
              .forEachRemaining(
                  response -> {
                    JsonNode resolved = resolve(response.getValue());
                    assertThat(resolved.path("description").asText())
                        .as("%s %s %s description", method, path, response.getKey())
                        .isNotBlank();
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                      assertThat(
                              resolved
                                  .at("/content/application~1problem+json/schema/$ref")
                                  .asText())
                          .as("%s %s %s is problem+json", method, path, response.getKey())
                          .isEqualTo("#/components/schemas/Problem");
                    }
                  });
          assertThat(operation.path("responses").has("500"))
              .as("%s %s documents 500", method, path)
              .isTrue();
          if (method.equals("post")) {
            assertThat(operation.at("/requestBody/content/application~1json/schema").isObject())
                .isTrue();
            assertThat(operation.path("responses").has("415"))
                .as("%s %s documents 415", method, path)
                .isTrue();
          }
        });
  }

  @Test
  void givenEveryReference_whenFollowed_thenItResolves() {
    var refs = new ArrayList<String>();
    collectRefs(doc, refs);

    assertThat(refs)
        .isNotEmpty()
        .allSatisfy(
            ref -> {
              assertThat(ref).startsWith("#/");
              assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            });
  }

  @Test
  void givenTheLimitsInTheCode_whenCompared_thenTheDocumentStatesTheSame() {
    JsonNode goal = doc.at("/components/schemas/GoalFrameRequest/properties");
    assertThat(goal.at("/objective/maxLength").asInt())
        .isEqualTo(GoalFrameParser.MAX_OBJECTIVE_CHARS);
    assertThat(goal.at("/audience/maxLength").asInt()).isEqualTo(GoalFrameParser.MAX_TEXT_CHARS);
    assertThat(goal.at("/constraints/maxItems").asInt()).isEqualTo(GoalFrameParser.MAX_LIST_ITEMS);
    assertThat(goal.at("/constraints/items/maxLength").asInt())
        .isEqualTo(GoalFrameParser.MAX_TEXT_CHARS);
    var channels = new TreeSet<String>();
    goal.at("/channels/items/enum").forEach(c -> channels.add(c.asText()));
    assertThat(channels).isEqualTo(new TreeSet<>(GoalFrameParser.CHANNELS));
    assertThat(goal.at("/recipe/default").asText()).isEqualTo("noop");
    JsonNode budget = doc.at("/components/schemas/BudgetRequest/properties");
    assertThat(budget.at("/maxUsd/maximum").decimalValue())
        .isEqualByComparingTo(GoalFrameParser.MAX_USD);
    assertThat(budget.at("/maxTokens/maximum").asLong()).isEqualTo(GoalFrameParser.MAX_TOKENS);
    JsonNode limit = doc.at("/components/parameters/Limit/schema");
    assertThat(limit.path("maximum").asInt()).isEqualTo(ContinuationService.MAX_PAGE);
    assertThat(limit.path("default").asInt()).isEqualTo(ApiRouter.DEFAULT_PAGE);
    assertThat(doc.at("/components/parameters/IdempotencyKey/schema/maxLength").asInt())
        .isEqualTo(ApiRouter.MAX_IDEMPOTENCY_KEY);
    var kinds = new ArrayList<String>();
    doc.at("/components/schemas/SignalRequest/properties/kind/enum")
        .forEach(k -> kinds.add(k.asText()));
    assertThat(kinds).containsExactlyElementsOf(TickEngine.SIGNAL_KINDS);
    assertThat(doc.at("/components/responses/PayloadTooLarge/description").asText())
        .contains(String.valueOf(ApiRouter.MAX_BODY_BYTES));
  }

  @Test
  void givenTheExamples_whenValidated_thenTheyMatchTheirSchemasAndTheRouterAcceptsThem() {
    JsonNode goalExample = doc.at("/components/schemas/GoalFrameRequest/example");
    assertValid(schema("#/components/schemas/GoalFrameRequest"), goalExample, "goal frame example");
    assertValid(
        schema("#/components/schemas/SignalRequest"),
        doc.at("/components/schemas/SignalRequest/example"),
        "signal example");
    assertValid(
        schema("#/components/schemas/Problem"),
        doc.at("/components/responses/BadRequest/content/" + "application~1problem+json/example"),
        "problem example");

    Response created = api.postJson("/continuations", api.token("acme"), goalExample.toString());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    JsonNode forkExample = doc.at("/components/schemas/ForkRequest/example");
    assertValid(schema("#/components/schemas/ForkRequest"), forkExample, "fork example");
    String parent = created.json().path("id").asText();
    api.runDueTicks();
    Response forked =
        api.postJson(
            "/continuations/" + parent + "/fork", api.token("acme"), forkExample.toString());
    assertThat(forked.status()).as(forked.toString()).isEqualTo(201);

    JsonNode decideExample = doc.at("/components/schemas/DecideRequest/example");
    assertValid(schema("#/components/schemas/DecideRequest"), decideExample, "decide example");
    Response decided = api.postJson("/decide", api.token("acme"), decideExample.toString());
    assertThat(decided.status()).as(decided.toString()).isEqualTo(200);
  }

  @Test
  void givenRealResponses_whenValidated_thenEachMatchesTheSchemaDocumentedForItsStatus() {
    String acme = api.token("acme");
    String goal =
        "{\"objective\":\"schema check\",\"budget\":{\"maxUsd\":1},\"parameters\":{\"sleep\":\"PT1H\"}}";
    String key = "schema-" + UUID.randomUUID();

    Response created = api.postJson("/continuations", acme, goal, "Idempotency-Key", key);
    String id = created.json().path("id").asText();
    check("/continuations", "post", created, 201);
    check(
        "/continuations",
        "post",
        api.postJson("/continuations", acme, goal, "Idempotency-Key", key),
        200);
    check(
        "/continuations",
        "post",
        api.postJson(
            "/continuations", acme, goal.replace("check", "other"), "Idempotency-Key", key),
        409);
    check("/continuations", "post", api.postJson("/continuations", acme, "{\"objective\":1}"), 400);
    check("/continuations", "post", api.postJson("/continuations", null, goal), 401);
    check(
        "/continuations",
        "post",
        api.send("POST", "/continuations", acme, "text/plain", goal.getBytes()),
        415);
    check(
        "/continuations",
        "post",
        api.send(
            "POST",
            "/continuations",
            acme,
            "application/json",
            new byte[ApiRouter.MAX_BODY_BYTES + 1]),
        413);
    check("/continuations", "post", api.send("PUT", "/continuations", acme, null, null), 405);

    api.runDueTicks();
    check(
        "/continuations/{id}/signals",
        "post",
        api.postJson("/continuations/" + id + "/signals", acme, "{\"kind\":\"approve\"}"),
        202);
    check(
        "/continuations/{id}/signals",
        "post",
        api.postJson("/continuations/" + id + "/signals", acme, "{\"kind\":\"shout\"}"),
        400);
    api.runDueTicks();
    check("/continuations/{id}", "get", api.get("/continuations/" + id, acme), 200);
    check("/continuations/{id}", "get", api.get("/continuations/" + UUID.randomUUID(), acme), 404);
    check("/continuations/{id}", "get", api.get("/continuations/nope", acme), 400);
    check(
        "/continuations/{id}/events",
        "get",
        api.get("/continuations/" + id + "/events?limit=2", acme),
        200);
    check(
        "/continuations/{id}",
        "delete",
        api.delete("/continuations/" + id + "?reason=done", acme),
        202);
    api.runDueTicks();
    check("/continuations/{id}", "get", api.get("/continuations/" + id, acme), 200);
    check("/continuations/{id}", "delete", api.delete("/continuations/" + id, acme), 409);
    String decide = "{\"budget\":{\"limits\":{\"maxUsd\":2}},\"stepKind\":\"synthesize\"}";
    check("/decide", "post", api.postJson("/decide", acme, decide), 200);
    check(
        "/decide",
        "post",
        api.postJson(
            "/decide",
            acme,
            "{\"budget\":{\"limits\":{\"maxUsd\":2}},\"rateLimited\":true,\"stepKind\":\"plan\"}"),
        200);
    check("/decide", "post", api.postJson("/decide", acme, "{\"stepKind\":\"nap\"}"), 400);
    check("/decide", "post", api.postJson("/decide", null, decide), 401);
    String parent = api.create("acme", goal);
    String other = api.create("acme", goal);
    api.runDueTicks();
    Response forked =
        api.postJson(
            "/continuations/" + parent + "/fork",
            acme,
            "{\"atSequence\":1,\"budget\":{\"maxUsd\":0.25}}",
            "Idempotency-Key",
            key + "-fork");
    check("/continuations/{id}/fork", "post", forked, 201);
    check(
        "/continuations/{id}/fork",
        "post",
        api.postJson(
            "/continuations/" + parent + "/fork",
            acme,
            "{\"atSequence\":1,\"budget\":{\"maxUsd\":0.25}}",
            "Idempotency-Key",
            key + "-fork"),
        200);
    check(
        "/continuations/{id}/fork",
        "post",
        api.postJson("/continuations/" + parent + "/fork", acme, "{\"budget\":{\"maxUsd\":9}}"),
        400);
    check(
        "/continuations/{id}/fork",
        "post",
        api.postJson(
            "/continuations/" + UUID.randomUUID() + "/fork", acme, "{\"budget\":{\"maxUsd\":0.1}}"),
        404);
    String merge =
        "{\"sources\":[\""
            + parent
            + "\",\""
            + other
            + "\"],\"mergeFunction\":\"concat\",\"budget\":{\""
            + parent
            + "\":{\"maxUsd\":0.1},\""
            + other
            + "\":{\"maxUsd\":0.1}},\"goal\":{\"objective\":\"merged\"}}";
    check("/continuations/merge", "post", api.postJson("/continuations/merge", acme, merge), 201);
    check(
        "/continuations/merge",
        "post",
        api.postJson("/continuations/merge", acme, "{\"sources\":[]}"),
        400);
    check(
        "/continuations/{id}/lineage",
        "get",
        api.get("/continuations/" + parent + "/lineage", acme),
        200);
    check(
        "/continuations/{id}/lineage",
        "get",
        api.get("/continuations/" + forked.json().path("id").asText() + "/lineage", acme),
        200);
    check(
        "/continuations/{id}/lineage",
        "get",
        api.get("/continuations/" + UUID.randomUUID() + "/lineage", acme),
        404);
    check(
        "/continuations/{id}/lineage",
        "get",
        api.get("/continuations/" + parent + "/lineage?limit=0", acme),
        400);
    check("/health", "get", api.get("/health", null), 200);
    check("/openapi.json", "get", api.get("/openapi.json", null), 200);
  }

  @Test
  void givenAWrongShape_whenValidated_thenTheDocumentsSchemasRejectIt() {
    var wrong =
        Json.tree("{\"continuation\":{\"id\":\"x\",\"status\":\"NAPPING\"},\"recentEvents\":[{}]}");

    assertThat(schema("#/components/schemas/ContinuationView").validate(wrong))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(
            schema("#/components/schemas/GoalFrameRequest")
                .validate(Json.tree("{\"objective\":\"x\"}")))
        .isNotEmpty();
  }

  // ---- helpers ----

  private interface OperationVisitor {
    void visit(String path, String method, JsonNode operation);
  }

  private static void forEachOperation(OperationVisitor visitor) {
    doc.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          if (HTTP_METHODS.contains(op.getKey()))
                            visitor.visit(path.getKey(), op.getKey(), op.getValue());
                        }));
  }

  /**
   * Validates {@code r} against the schema the document gives for {@code status} of the operation.
   */
  private static void check(String path, String method, Response r, int status) {
    assertThat(r.status()).as("%s %s: %s", method, path, r).isEqualTo(status);
    JsonNode response =
        resolve(
            doc.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path(String.valueOf(status)));
    assertThat(response.isObject()).as("%s %s documents %d", method, path, status).isTrue();
    String mediaType = r.contentType();
    JsonNode content = response.path("content").path(mediaType);
    assertThat(content.isObject())
        .as("%s %s %d documents %s", method, path, status, mediaType)
        .isTrue();
    assertValid(wrap(content.path("schema")), r.json(), method + " " + path + " " + status);
    response
        .path("headers")
        .fieldNames()
        .forEachRemaining(
            header -> {
              if (!header.equals("WWW-Authenticate") || status == 401) {
                assertThat(r.header(header))
                    .as("%s %s %d header %s", method, path, status, header)
                    .isNotNull();
              }
            });
  }

  private static com.networknt.schema.JsonSchema schema(String ref) {
    return wrap(Json.mapper().createObjectNode().put("$ref", ref));
  }

  /** A schema document whose internal references resolve against the OpenAPI components. */
  private static com.networknt.schema.JsonSchema wrap(JsonNode schema) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("allOf", Json.mapper().createArrayNode().add(schema));
    root.set("components", doc.path("components"));
    return SCHEMAS.getSchema(root);
  }

  private static void assertValid(
      com.networknt.schema.JsonSchema schema, JsonNode value, String what) {
    Set<ValidationMessage> errors = schema.validate(value);
    assertThat(errors).as("%s: %s", what, value).isEmpty();
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    for (int i = 0; i < 10 && current.has("$ref"); i++)
      current = doc.at(current.path("$ref").asText().substring(1));
    return current;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f -> {
                if (f.getKey().equals("$ref") && f.getValue().isTextual())
                  refs.add(f.getValue().asText());
                else collectRefs(f.getValue(), refs);
              });
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }
}
