package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.event.EventType;
import dev.maestro.local.server.ApiHarness.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP API over real HTTP, against the embedded SQLite substrate. */
class HttpApiServerTest {

  static final String GOAL =
      """
      {"objective": "Evidence brief on rumen-protected choline", "budget": {"maxUsd": 2},
       "parameters": {"sleep": "PT1H"}}""";

  @TempDir static Path dir;
  static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/problem+json");
    JsonNode body = r.json();
    assertThat(body.path("type").asText()).isEqualTo("urn:maestro:problem:" + code);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("title").asText()).isNotBlank();
    assertThat(body.path("detail").asText()).isNotBlank();
    assertThat(body.path("instance").asText()).startsWith("/");
  }

  static List<String> pointers(Response r) {
    var result = new ArrayList<String>();
    r.json().path("errors").forEach(e -> result.add(e.path("pointer").asText()));
    return result;
  }

  // ---- create, read, page ----

  @Test
  void givenAGoalFrame_whenPosted_thenItIsCreatedForTheTokensTenantWithALocation() {
    Response r = api.postJson("/continuations", api.token("acme"), GOAL);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.contentType()).isEqualTo("application/json");
    JsonNode body = r.json();
    String id = body.path("id").asText();
    assertThat(r.header("Location")).isEqualTo("/continuations/" + id);
    assertThat(body.path("tenant").asText()).isEqualTo("acme");
    assertThat(body.path("status").asText()).isEqualTo("CREATED");
    assertThat(body.path("goalFrame").path("recipe").asText()).isEqualTo("noop");
    assertThat(body.path("goalFrame").path("budget").path("softUsd").decimalValue())
        .isEqualByComparingTo("1.6");
    assertThat(api.pendingWakes("acme", id)).containsKey("start");
  }

  @Test
  void givenATenantInTheBody_whenPosted_thenItIsRejectedAsAnUnknownField() {
    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            """
        {"objective": "x", "budget": {"maxUsd": 1}, "tenant": "globex"}""");

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("/tenant");
  }

  @Test
  void givenACreatedContinuation_whenRead_thenTheViewShowsStateAndRecentEvents() {
    String id = api.create("acme", GOAL);

    Response r = api.get("/continuations/" + id, api.token("acme"));

    assertThat(r.status()).isEqualTo(200);
    JsonNode view = r.json();
    assertThat(view.path("continuation").path("id").asText()).isEqualTo(id);
    assertThat(
            view.path("continuation").path("budget").path("limits").path("maxUsd").decimalValue())
        .isEqualByComparingTo("2");
    assertThat(view.path("continuation").path("wakeCondition").path("kind").asText())
        .isEqualTo("timer");
    assertThat(view.path("continuation").path("lineage").path("root").asText()).isEqualTo(id);
    assertThat(view.path("recentEvents")).hasSize(1);
    assertThat(view.path("recentEvents").get(0).path("type").asText()).isEqualTo("spawn");
  }

  @Test
  void givenSeveralEvents_whenPaged_thenPagesFollowTheNextCursorWithoutGapsOrRepeats() {
    String id = api.create("acme", GOAL);
    api.runDueTicks();
    for (int i = 0; i < 3; i++) {
      assertThat(
              api.postJson(
                      "/continuations/" + id + "/signals",
                      api.token("acme"),
                      "{\"kind\":\"approve\"}")
                  .status())
          .isEqualTo(202);
    }
    api.runDueTicks();
    int total = api.events("acme", id).size();
    assertThat(total).isGreaterThanOrEqualTo(6);

    var sequences = new ArrayList<Long>();
    long after = 0;
    for (int page = 0; page < 10; page++) {
      Response r =
          api.get(
              "/continuations/" + id + "/events?after=" + after + "&limit=2", api.token("acme"));
      assertThat(r.status()).isEqualTo(200);
      JsonNode events = r.json().path("events");
      assertThat(events.size()).isLessThanOrEqualTo(2);
      events.forEach(e -> sequences.add(e.path("sequence").asLong()));
      long next = r.json().path("next").asLong();
      if (events.isEmpty()) {
        assertThat(next).isEqualTo(after);
        break;
      }
      after = next;
    }
    assertThat(sequences).hasSize(total);
    for (int i = 0; i < sequences.size(); i++) assertThat(sequences.get(i)).isEqualTo(i + 1L);
  }

  @Test
  void givenNoPagingParameters_whenEventsAreRead_thenTheyStartAtTheBeginning() {
    String id = api.create("acme", GOAL);

    Response r = api.get("/continuations/" + id + "/events", api.token("acme"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("events")).hasSize(1);
    assertThat(r.json().path("next").asLong()).isEqualTo(1);
  }

  // ---- signals and kill ----

  @Test
  void givenASignal_whenPosted_thenItIsAcceptedAndScheduledForDelivery() {
    String id = api.create("acme", GOAL);

    Response r =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"redirect\",\"body\":{\"note\":\"trials only\"}}");

    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    String signalId = r.json().path("signalId").asText();
    assertThat(r.json().path("continuationId").asText()).isEqualTo(id);
    assertThat(r.json().path("kind").asText()).isEqualTo("redirect");
    assertThat(api.pendingWakes("acme", id)).containsKey(signalId);

    api.runDueTicks();
    assertThat(api.events("acme", id))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(EventType.HUMAN_SIGNAL);
              assertThat(e.payload().toString()).contains("trials only");
            });
  }

  @Test
  void givenAnIdempotencyKey_whenASignalIsSentTwice_thenBothNameTheSameSignalAndItIsRecordedOnce() {
    String id = api.create("acme", GOAL);
    api.runDueTicks();

    Response first =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"approve\"}",
            "Idempotency-Key",
            "approve-1");
    api.runDueTicks();
    Response second =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"approve\"}",
            "Idempotency-Key",
            "approve-1");
    api.runDueTicks();

    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(202);
    assertThat(first.json().path("signalId").asText())
        .isEqualTo("signal-approve-1")
        .isEqualTo(second.json().path("signalId").asText());
    assertThat(api.events("acme", id))
        .filteredOn(e -> e.type() == EventType.HUMAN_SIGNAL)
        .hasSize(1);
  }

  @Test
  void givenAKeyNamedLikeATimer_whenUsedForASignal_thenThePendingTimerIsNotReplaced() {
    String id = api.create("acme", GOAL);

    Response r =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"approve\"}",
            "Idempotency-Key",
            "start");

    assertThat(r.status()).isEqualTo(202);
    assertThat(api.pendingWakes("acme", id)).containsKeys("start", "signal-start");
  }

  @Test
  void givenARunningContinuation_whenDeleted_thenAKillIsAcceptedAndTheNextTickKillsIt() {
    String id = api.create("acme", GOAL);

    Response r =
        api.delete("/continuations/" + id + "?reason=no%20longer%20needed", api.token("acme"));

    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    assertThat(r.json().path("kind").asText()).isEqualTo("kill");
    api.runDueTicks();
    JsonNode state = api.get("/continuations/" + id, api.token("acme")).json().path("continuation");
    assertThat(state.path("status").asText()).isEqualTo(Status.KILLED.name());
    assertThat(api.events("acme", id))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo(EventType.KILL);
              assertThat(e.payload().toString()).contains("no longer needed");
            });
  }

  @Test
  void givenAKilledContinuation_whenSignalledOrKilledAgain_thenConflict() {
    String id = api.create("acme", GOAL);
    api.delete("/continuations/" + id, api.token("acme"));
    api.runDueTicks();

    assertProblem(
        api.postJson(
            "/continuations/" + id + "/signals", api.token("acme"), "{\"kind\":\"approve\"}"),
        409,
        "conflict");
    assertProblem(api.delete("/continuations/" + id, api.token("acme")), 409, "conflict");
  }

  // ---- idempotent create ----

  @Test
  void givenTheSameKeyAndBody_whenPostedTwice_thenTheSecondIsAReplayOfTheFirst() {
    String key = "create-" + UUID.randomUUID();
    Response first =
        api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", key);
    Response second =
        api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
  }

  @Test
  void givenTheSameKeyWithADifferentBody_whenPosted_thenConflictAndNothingIsCreated() {
    String key = "create-" + UUID.randomUUID();
    api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", key);
    int before = api.unfinished().size();

    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            GOAL.replace("rumen-protected choline", "something else"),
            "Idempotency-Key",
            key);

    assertProblem(r, 409, "conflict");
    assertThat(api.unfinished()).hasSize(before);
  }

  @Test
  void givenTheSameKeyInAnotherTenant_whenPosted_thenItIsAnIndependentCreate() {
    String key = "create-" + UUID.randomUUID();
    Response acme = api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", key);
    Response globex =
        api.postJson("/continuations", api.token("globex"), GOAL, "Idempotency-Key", key);

    assertThat(acme.status()).isEqualTo(201);
    assertThat(globex.status()).isEqualTo(201);
    assertThat(globex.json().path("id").asText()).isNotEqualTo(acme.json().path("id").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "tab\tinside", ""})
  void givenAMalformedIdempotencyKey_whenPosted_thenTheHeaderIsNamed(String key) {
    Response r = api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", key);

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("/headers/Idempotency-Key");
  }

  @Test
  void givenATooLongIdempotencyKey_whenPosted_thenTheHeaderIsNamed() {
    Response r =
        api.postJson("/continuations", api.token("acme"), GOAL, "Idempotency-Key", "k".repeat(256));

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("/headers/Idempotency-Key");
  }

  // ---- tenant isolation ----

  @Test
  void givenAnotherTenantsContinuation_whenReadSignalledOrKilled_thenNotFoundAndItIsUntouched() {
    String id = api.create("acme", GOAL);
    Map<String, ?> pendingBefore = api.pendingWakes("acme", id);
    String globex = api.token("globex");

    assertProblem(api.get("/continuations/" + id, globex), 404, "not_found");
    assertProblem(api.get("/continuations/" + id + "/events", globex), 404, "not_found");
    assertProblem(
        api.postJson("/continuations/" + id + "/signals", globex, "{\"kind\":\"approve\"}"),
        404,
        "not_found");
    assertProblem(api.delete("/continuations/" + id, globex), 404, "not_found");

    assertThat(api.pendingWakes("acme", id)).isEqualTo(pendingBefore);
    assertThat(api.events("acme", id)).hasSize(1);
    assertThat(api.get("/continuations/" + id, api.token("acme")).status()).isEqualTo(200);
  }

  // ---- validation ----

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      {"budget":{"maxUsd":1}}                                               | /objective
      {"objective":"   ","budget":{"maxUsd":1}}                             | /objective
      {"objective":5,"budget":{"maxUsd":1}}                                 | /objective
      {"objective":null,"budget":{"maxUsd":1}}                              | /objective
      {"objective":"x","audience":[],"budget":{"maxUsd":1}}                 | /audience
      {"objective":"x","deliverableSchema":"schema","budget":{"maxUsd":1}}  | /deliverableSchema
      {"objective":"x","constraints":"none","budget":{"maxUsd":1}}          | /constraints
      {"objective":"x","constraints":["ok",7],"budget":{"maxUsd":1}}        | /constraints/1
      {"objective":"x","constraints":["ok"," "],"budget":{"maxUsd":1}}      | /constraints/1
      {"objective":"x","successCriteria":[true],"budget":{"maxUsd":1}}      | /successCriteria/0
      {"objective":"x","channels":["semantic","telepathy"],"budget":{"maxUsd":1}} | /channels/1
      {"objective":"x","channels":["semantic","semantic"],"budget":{"maxUsd":1}}  | /channels/1
      {"objective":"x","channels":{},"budget":{"maxUsd":1}}                 | /channels
      {"objective":"x"}                                                     | /budget
      {"objective":"x","budget":2}                                          | /budget
      {"objective":"x","budget":{}}                                         | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":-1}}                              | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":10000.01}}                        | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":"2"}}                             | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":0.0000001}}                       | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":1e-999999999}}                    | /budget/maxUsd
      {"objective":"x","budget":{"maxUsd":1,"softUsd":2}}                   | /budget/softUsd
      {"objective":"x","budget":{"maxUsd":1,"softUsd":-0.5}}                | /budget/softUsd
      {"objective":"x","budget":{"maxUsd":1,"maxTokens":1.5}}               | /budget/maxTokens
      {"objective":"x","budget":{"maxUsd":1,"maxTokens":-1}}                | /budget/maxTokens
      {"objective":"x","budget":{"maxUsd":1,"maxTokens":99999999999999999999}} | /budget/maxTokens
      {"objective":"x","budget":{"maxUsd":1,"currency":"EUR"}}              | /budget/currency
      {"objective":"x","budget":{"maxUsd":1},"deadline":"tomorrow"}         | /deadline
      {"objective":"x","budget":{"maxUsd":1},"deadline":1893456000}         | /deadline
      {"objective":"x","budget":{"maxUsd":1},"policyClass":"Gold Tier"}     | /policyClass
      {"objective":"x","budget":{"maxUsd":1},"region":""}                   | /region
      {"objective":"x","budget":{"maxUsd":1},"recipe":"research"}           | /recipe
      {"objective":"x","budget":{"maxUsd":1},"parameters":[]}               | /parameters
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"sleep":"soon"}} | /parameters/sleep
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"stepDelay":"-PT1S"}} | /parameters/stepDelay
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"sleep":30}}    | /parameters/sleep
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"sleepp":"PT1S"}} | /parameters/sleepp
      {"objective":"x","budget":{"maxUsd":1},"colour":"blue"}               | /colour
      {"objective":"x","budget":{"maxUsd":1},"a/b~c":1}                     | /a~1b~0c
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"note":"\\ud800"}} | /parameters/note
      {"objective":"x","budget":{"maxUsd":1},"parameters":{"n":1e-999999999}} | /parameters/n
      """)
  void givenOneInvalidField_whenPosted_thenA400NamesExactlyThatPointer(
      String body, String pointer) {
    int before = api.unfinished().size();

    Response r = api.postJson("/continuations", api.token("acme"), body);

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly(pointer);
    assertThat(api.unfinished()).hasSize(before);
  }

  @Test
  void givenAnObjectiveOverTheLimit_whenPosted_thenRejected() {
    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            "{\"objective\":\"" + "x".repeat(4001) + "\",\"budget\":{\"maxUsd\":1}}");

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("/objective");
  }

  @Test
  void givenTooManyConstraints_whenPosted_thenRejected() {
    String items = String.join(",", java.util.Collections.nCopies(51, "\"c\""));
    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            "{\"objective\":\"x\",\"constraints\":[" + items + "],\"budget\":{\"maxUsd\":1}}");

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("/constraints");
  }

  @Test
  void givenSeveralInvalidFields_whenPosted_thenEveryOneIsReported() {
    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            """
        {"objective": "", "budget": {"maxUsd": 5, "softUsd": 9, "extra": 1}, "recipe": 3, "deadline": "x", "zzz": 0}""",
            "Idempotency-Key",
            "bad key");

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r))
        .containsExactlyInAnyOrder(
            "/objective",
            "/budget/softUsd",
            "/budget/extra",
            "/recipe",
            "/deadline",
            "/zzz",
            "/headers/Idempotency-Key");
  }

  @Test
  void givenEveryOptionalField_whenPosted_thenTheyAreStoredAsGiven() {
    Response r =
        api.postJson(
            "/continuations",
            api.token("acme"),
            """
        {"objective": "Brief", "audience": "nutritionists", "deliverableSchema": {"type": "object"},
         "constraints": ["peer-reviewed only"], "channels": ["semantic", "episodic"],
         "budget": {"maxUsd": 2.5, "softUsd": 1, "maxTokens": 100000}, "deadline": "2030-01-31T12:00:00Z",
         "successCriteria": ["cites 5 trials"], "policyClass": "gold", "region": "eu-west-1",
         "recipe": "noop", "parameters": {"sleep": "PT5M", "stepDelay": "PT0S"}}""");

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode goal = r.json().path("goalFrame");
    assertThat(goal.path("channels").toString()).isEqualTo("[\"semantic\",\"episodic\"]");
    assertThat(goal.path("budget").path("maxTokens").asLong()).isEqualTo(100000);
    assertThat(goal.path("deadline").asText()).isEqualTo("2030-01-31T12:00:00Z");
    assertThat(goal.path("region").asText()).isEqualTo("eu-west-1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"objective\":",
        "not json",
        "[1,2]",
        "\"text\"",
        "{\"a\":1,\"a\":2}",
        "{} {}",
        "   "
      })
  void givenABodyThatIsNotOneJsonObject_whenPosted_thenTheWholeBodyIsNamed(String body) {
    Response r = api.postJson("/continuations", api.token("acme"), body);

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly("");
  }

  @Test
  void givenInvalidUtf8OrDeepNesting_whenPosted_thenA400() {
    byte[] invalidUtf8 = {'{', '"', 'o', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertProblem(
        api.send("POST", "/continuations", api.token("acme"), "application/json", invalidUtf8),
        400,
        "invalid_input");
    String deep = "{\"parameters\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertProblem(api.postJson("/continuations", api.token("acme"), deep), 400, "invalid_input");
  }

  @Test
  void givenAnInvalidSignal_whenPosted_thenEveryFieldIsNamedAndNothingIsScheduled() {
    String id = api.create("acme", GOAL);
    Map<String, ?> before = api.pendingWakes("acme", id);

    Response r =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"pause\",\"body\":[],\"extra\":1}");
    Response kill =
        api.postJson(
            "/continuations/" + id + "/signals",
            api.token("acme"),
            "{\"kind\":\"kill\",\"body\":{\"reason\":{}}}");
    Response missing = api.postJson("/continuations/" + id + "/signals", api.token("acme"), "{}");

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactlyInAnyOrder("/kind", "/body", "/extra");
    assertThat(pointers(kill)).containsExactly("/body/reason");
    assertThat(pointers(missing)).containsExactly("/kind");
    assertThat(api.pendingWakes("acme", id)).isEqualTo(before);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      /continuations/not-an-id                              | /path/id
      /continuations/0190ABCD-0000-7000-8000-000000000000   | /path/id
      /continuations/{id}/events?after=-1                   | /query/after
      /continuations/{id}/events?after=x                    | /query/after
      /continuations/{id}/events?limit=0                    | /query/limit
      /continuations/{id}/events?limit=1001                 | /query/limit
      /continuations/{id}/events?after=99999999999999999999 | /query/after
      /continuations/{id}/events?limt=5                     | /query/limt
      /continuations/{id}/events?after=1&after=2            | /query/after
      /continuations/{id}?verbose=true                      | /query/verbose
      """)
  void givenABadPathIdOrQueryParameter_whenRead_thenA400NamesIt(String path, String pointer) {
    String id = api.create("acme", GOAL);

    Response r = api.get(path.replace("{id}", id), api.token("acme"));

    assertProblem(r, 400, "invalid_input");
    assertThat(pointers(r)).containsExactly(pointer);
  }

  @Test
  void givenABlankOrLongKillReason_whenDeleted_thenA400AndNoKillIsScheduled() {
    String id = api.create("acme", GOAL);
    Map<String, ?> before = api.pendingWakes("acme", id);

    assertThat(pointers(api.delete("/continuations/" + id + "?reason=", api.token("acme"))))
        .containsExactly("/query/reason");
    assertThat(
            pointers(
                api.delete(
                    "/continuations/" + id + "?reason=" + "r".repeat(1001), api.token("acme"))))
        .containsExactly("/query/reason");
    assertThat(api.pendingWakes("acme", id)).isEqualTo(before);
  }

  // ---- HTTP-level failures ----

  @Test
  void givenAnUnknownPath_whenRequested_then404Problem() {
    assertProblem(api.get("/nothing/here", api.token("acme")), 404, "not_found");
    assertProblem(api.get("/continuations/", api.token("acme")), 404, "not_found");
    assertProblem(
        api.get("/continuations/" + UUID.randomUUID() + "/extra", api.token("acme")),
        404,
        "not_found");
  }

  @Test
  void givenAWrongMethod_whenRequested_then405WithAllow() {
    Response put =
        api.send("PUT", "/continuations", api.token("acme"), "application/json", GOAL.getBytes());
    Response patch = api.send("PATCH", "/continuations/" + UUID.randomUUID(), null, null, null);

    assertProblem(put, 405, "method_not_allowed");
    assertThat(put.header("Allow")).isEqualTo("POST");
    assertProblem(patch, 405, "method_not_allowed");
    assertThat(patch.header("Allow")).isEqualTo("DELETE, GET");
  }

  @Test
  void givenABodyOverTheCap_whenPosted_then413AndNothingIsCreated() {
    int before = api.unfinished().size();
    byte[] body = new byte[ApiRouter.MAX_BODY_BYTES + 1];
    Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[body.length - 1] = '}';

    Response r = api.send("POST", "/continuations", api.token("acme"), "application/json", body);

    assertProblem(r, 413, "payload_too_large");
    assertThat(api.unfinished()).hasSize(before);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=iso-8859-1",
        "application/jsonp"
      })
  void givenANonJsonContentType_whenPosted_then415(String contentType) {
    Response r =
        api.send(
            "POST",
            "/continuations",
            api.token("acme"),
            contentType,
            GOAL.getBytes(StandardCharsets.UTF_8));

    assertProblem(r, 415, "unsupported_media_type");
  }

  @Test
  void givenNoContentType_whenPosted_then415() {
    assertProblem(
        api.send(
            "POST",
            "/continuations",
            api.token("acme"),
            null,
            GOAL.getBytes(StandardCharsets.UTF_8)),
        415,
        "unsupported_media_type");
  }

  @Test
  void givenJsonWithUtf8Charset_whenPosted_thenAccepted() {
    Response r =
        api.send(
            "POST",
            "/continuations",
            api.token("acme"),
            "application/json; charset=\"UTF-8\"",
            GOAL.getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(201);
  }

  // ---- unauthenticated endpoints ----

  @Test
  void givenNoToken_whenHealthOpenApiAndJwksAreRead_thenTheyAreServed() {
    Response health = api.get("/health", null);
    Response openApi = api.get("/openapi.json", null);
    Response jwks = api.get("/.well-known/jwks.json", null);

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("ok");
    assertThat(openApi.status()).isEqualTo(200);
    assertThat(openApi.json().path("openapi").asText()).startsWith("3.1");
    assertThat(jwks.status()).isEqualTo(200);
    JsonNode key = jwks.json().path("keys").get(0);
    assertThat(key.path("kty").asText()).isEqualTo("RSA");
    assertThat(key.path("kid").asText()).isEqualTo(api.issuer.keyId());
    assertThat(key.has("d")).as("no private exponent").isFalse();
    assertThat(key.has("p")).isFalse();
  }

  @Test
  void givenAnyApiRoute_whenCalledWithoutAToken_then401() {
    String id = UUID.randomUUID().toString();
    assertProblem(api.postJson("/continuations", null, GOAL), 401, "unauthorized");
    assertProblem(api.get("/continuations/" + id, null), 401, "unauthorized");
    assertProblem(api.get("/continuations/" + id + "/events", null), 401, "unauthorized");
    assertProblem(
        api.postJson("/continuations/" + id + "/signals", null, "{\"kind\":\"approve\"}"),
        401,
        "unauthorized");
    assertProblem(api.delete("/continuations/" + id, null), 401, "unauthorized");
  }
}
