package dev.maestro.local.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationFold;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.local.server.ApiHarness.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fork, time-travel fork, merge and lineage queries over HTTP, on the embedded runtime's SQLite
 * store: what each route writes (the parent's {@code fork} event, the sources' {@code merge}
 * events, the child), what it refuses (by JSON pointer, writing nothing), and what the lineage
 * query returns.
 */
class LineageApiTest {

  private static final String FINISHING =
      "{\"objective\":\"evidence brief\",\"budget\":{\"maxUsd\":2},"
          + "\"parameters\":{\"sleep\":\"PT0S\"}}";
  private static final String SLEEPING =
      "{\"objective\":\"evidence brief\",\"budget\":{\"maxUsd\":2},"
          + "\"parameters\":{\"sleep\":\"PT1H\"}}";

  @TempDir Path dir;
  ApiHarness api;
  String acme;

  @BeforeEach
  void start() {
    api = ApiHarness.start(dir);
    acme = api.token("acme");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenASleepingParent_whenForked_thenTheChildCopiesItsStateAndTheBudgetIsCarved() {
    String parent = api.create("acme", SLEEPING);
    api.runDueTicks(); // wake, sleep: working state {"ticks":1,"phase":"slept"}

    Response r = fork(parent, "{\"budget\":{\"maxUsd\":0.5}}");

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode child = r.json();
    assertThat(r.header("Location")).isEqualTo("/continuations/" + child.path("id").asText());
    assertThat(child.path("status").asText()).isEqualTo("CREATED");
    assertThat(child.at("/lineage/parents/0").asText()).isEqualTo(parent);
    assertThat(child.at("/lineage/root").asText()).isEqualTo(parent);
    assertThat(child.at("/workingState/ticks").asInt()).isEqualTo(1);
    assertThat(child.at("/budget/limits/maxUsd").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(child.at("/goalFrame/objective").asText()).isEqualTo("evidence brief");

    List<EventEnvelope> parentLog = api.events("acme", parent);
    EventEnvelope last = parentLog.getLast();
    assertThat(last.payload()).isInstanceOf(EventPayload.Forked.class);
    var forked = (EventPayload.Forked) last.payload();
    assertThat(forked.child().value()).isEqualTo(child.path("id").asText());
    assertThat(forked.atSequence()).isEqualTo(3);
    JsonNode after = api.get("/continuations/" + parent, acme).json().path("continuation");
    assertThat(after.path("status").asText()).isEqualTo("SLEEPING");
    assertThat(after.at("/budget/limits/maxUsd").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(after.at("/lineage/children/0").asText()).isEqualTo(child.path("id").asText());
    EventPayload.Spawn spawn =
        (EventPayload.Spawn) api.events("acme", child.path("id").asText()).get(0).payload();
    assertThat(spawn.forkedFrom().continuation().value()).isEqualTo(parent);
    assertThat(spawn.forkedFrom().atSequence()).isEqualTo(3);
  }

  @Test
  void givenAFinishedParent_whenForkedFromEachPastEvent_thenNoEarlierStateOfTheOriginalChanges() {
    String parent = api.create("acme", FINISHING);
    api.runDueTicks();
    List<EventEnvelope> before = api.events("acme", parent);
    assertThat(ContinuationFold.fold(before).status().isTerminal()).isTrue();
    var statesBefore = prefixStates(before);

    var children = new ArrayList<String>();
    for (int at = 1; at <= before.size(); at++) {
      Response r =
          fork(parent, "{\"atSequence\":" + at + ",\"budget\":{\"maxUsd\":0.1,\"softUsd\":0.1}}");
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().path("workingState"))
          .as("the child forked at %d copies the fold up to it", at)
          .isEqualTo(statesBefore.get(at - 1).workingState());
      children.add(r.json().path("id").asText());
    }

    List<EventEnvelope> afterLog = api.events("acme", parent);
    assertThat(afterLog.subList(0, before.size())).isEqualTo(before);
    assertThat(prefixStates(afterLog).subList(0, before.size())).isEqualTo(statesBefore);
    Continuation now = ContinuationFold.fold(afterLog);
    assertThat(now.status()).isEqualTo(ContinuationFold.fold(before).status());
    assertThat(now.result()).isEqualTo(ContinuationFold.fold(before).result());
    assertThat(now.lineage().children()).extracting(Object::toString).isEqualTo(children);
    assertThat(now.budget().limits().maxUsd())
        .isEqualByComparingTo(
            new BigDecimal("2")
                .subtract(new BigDecimal("0.1").multiply(BigDecimal.valueOf(before.size()))));
  }

  @Test
  void givenACarveBeyondTheRemainingBudget_whenForked_thenA400NamesTheFieldAndNothingIsWritten() {
    String parent = api.create("acme", SLEEPING);
    api.runDueTicks();
    int events = api.events("acme", parent).size();
    int continuations = api.unfinished().size();

    Response r = fork(parent, "{\"budget\":{\"maxUsd\":2.01}}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().at("/errors/0/pointer").asText()).isEqualTo("/budget/maxUsd");
    assertThat(api.events("acme", parent)).hasSize(events);
    assertThat(api.unfinished()).hasSize(continuations);
  }

  @Test
  void givenBadForkInput_whenPosted_thenEachProblemIsNamedAndNothingIsWritten() {
    String parent = api.create("acme", SLEEPING);
    api.runDueTicks();
    int events = api.events("acme", parent).size();

    Response beyond = fork(parent, "{\"atSequence\":99,\"budget\":{\"maxUsd\":0.1}}");
    Response shape =
        fork(parent, "{\"atSequence\":0,\"budget\":{\"maxUsd\":\"x\"},\"goal\":[],\"extra\":1}");
    Response params =
        fork(parent, "{\"budget\":{\"maxUsd\":0.1},\"goal\":{\"parameters\":{\"nap\":\"PT1S\"}}}");
    Response missing = fork(UUID.randomUUID().toString(), "{\"budget\":{\"maxUsd\":0.1}}");

    assertThat(beyond.status()).isEqualTo(400);
    assertThat(pointers(beyond)).containsExactly("/atSequence");
    assertThat(shape.status()).isEqualTo(400);
    assertThat(pointers(shape))
        .containsExactlyInAnyOrder("/atSequence", "/budget/maxUsd", "/goal", "/extra");
    assertThat(params.status()).isEqualTo(400);
    assertThat(pointers(params)).containsExactly("/goal/parameters/nap");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(api.events("acme", parent)).hasSize(events);
  }

  @Test
  void givenAnIdempotencyKey_whenAForkIsRetried_thenTheFirstChildIsReturnedAndCarvedOnce() {
    String parent = api.create("acme", SLEEPING);
    api.runDueTicks();
    String body = "{\"budget\":{\"maxUsd\":1.5}}"; // a retry must not be refused for it

    Response first = fork(parent, body, "Idempotency-Key", "fork-1");
    Response again = fork(parent, body, "Idempotency-Key", "fork-1");
    Response other = fork(parent, "{\"budget\":{\"maxUsd\":0.4}}", "Idempotency-Key", "fork-1");

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json().path("id")).isEqualTo(first.json().path("id"));
    assertThat(other.status()).isEqualTo(409);
    long forks =
        api.events("acme", parent).stream()
            .filter(e -> e.payload() instanceof EventPayload.Forked)
            .count();
    assertThat(forks).isOne();
  }

  @Test
  void givenTwoSources_whenMergedWithUnion_thenTheChildHasBothAndEachSourceRecordsItsShare() {
    String a = api.create("acme", SLEEPING);
    String b = api.create("acme", FINISHING);
    api.runDueTicks();

    Response r =
        api.postJson(
            "/continuations/merge",
            acme,
            "{\"sources\":[\""
                + a
                + "\",\""
                + b
                + "\"],\"mergeFunction\":\"union\",\"budget\":{\""
                + a
                + "\":{\"maxUsd\":0.3},\""
                + b
                + "\":{\"maxUsd\":0.2}},\"goal\":{\"objective\":\"combined brief\"}}");

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode child = r.json();
    String childId = child.path("id").asText();
    assertThat(child.at("/lineage/parents").toString()).isEqualTo("[\"" + a + "\",\"" + b + "\"]");
    assertThat(child.at("/workingState/phase").asText())
        .as("the later source wins a clash")
        .isEqualTo("done");
    assertThat(child.at("/budget/limits/maxUsd").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(child.at("/goalFrame/objective").asText()).isEqualTo("combined brief");
    for (String source : List.of(a, b)) {
      EventEnvelope last = api.events("acme", source).getLast();
      assertThat(last.payload()).isInstanceOf(EventPayload.Merged.class);
      assertThat(((EventPayload.Merged) last.payload()).child().value()).isEqualTo(childId);
    }
    JsonNode b2 = api.get("/continuations/" + b, acme).json().path("continuation");
    assertThat(b2.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(b2.at("/budget/limits/maxUsd").decimalValue()).isEqualByComparingTo("1.8");
  }

  @Test
  void givenBadMergeInput_whenPosted_thenEachProblemIsNamedAndNothingIsWritten() {
    String a = api.create("acme", SLEEPING);
    String foreign = api.create("globex", SLEEPING);
    api.runDueTicks();
    int events = api.events("acme", a).size();

    Response shape =
        api.postJson(
            "/continuations/merge",
            acme,
            "{\"sources\":[\"" + a + "\"],\"mergeFunction\":7,\"budget\":[]}");
    Response unknownFn =
        api.postJson(
            "/continuations/merge",
            acme,
            "{\"sources\":[\""
                + a
                + "\",\""
                + foreign
                + "\"],\"mergeFunction\":\"zip\",\"budget\":{\""
                + a
                + "\":{\"maxUsd\":0.1},\""
                + foreign
                + "\":{\"maxUsd\":0.1}},\"goal\":{\"objective\":\"x\"}}");
    Response foreignSource =
        api.postJson(
            "/continuations/merge",
            acme,
            "{\"sources\":[\""
                + a
                + "\",\""
                + foreign
                + "\"],\"mergeFunction\":\"concat\",\"budget\":{\""
                + a
                + "\":{\"maxUsd\":0.1},\""
                + foreign
                + "\":{\"maxUsd\":0.1}},\"goal\":{\"objective\":\"x\"}}");

    assertThat(shape.status()).isEqualTo(400);
    assertThat(pointers(shape)).contains("/sources", "/mergeFunction", "/budget", "/goal");
    assertThat(unknownFn.status()).isEqualTo(400);
    assertThat(pointers(unknownFn)).containsExactly("/mergeFunction");
    assertThat(foreignSource.status()).isEqualTo(400);
    assertThat(pointers(foreignSource)).containsExactly("/sources/1");
    assertThat(api.events("acme", a)).hasSize(events);
  }

  @Test
  void givenAForkTree_whenItsLineageIsQueried_thenAncestorsSiblingsAndDescendantsAreReturned() {
    String root = api.create("acme", SLEEPING);
    api.runDueTicks();
    String left = fork(root, "{\"budget\":{\"maxUsd\":0.5}}").json().path("id").asText();
    String right =
        fork(root, "{\"atSequence\":1,\"budget\":{\"maxUsd\":0.5}}").json().path("id").asText();
    String grandchild = fork(left, "{\"budget\":{\"maxUsd\":0.2}}").json().path("id").asText();

    Response r = api.get("/continuations/" + left + "/lineage", acme);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode view = r.json();
    assertThat(view.at("/continuation/edge").asText()).isEqualTo("fork");
    assertThat(view.at("/continuation/from/0/continuation").asText()).isEqualTo(root);
    assertThat(view.at("/continuation/from/0/atSequence").asLong()).isEqualTo(3);
    assertThat(ids(view.path("ancestors"))).containsExactly(root);
    assertThat(view.at("/ancestors/0/edge").asText()).isEqualTo("root");
    assertThat(ids(view.path("siblings"))).containsExactly(right);
    assertThat(view.at("/siblings/0/from/0/atSequence").asLong()).isEqualTo(1);
    assertThat(ids(view.path("descendants"))).containsExactly(grandchild);
    assertThat(view.path("descendantsTruncated").asBoolean()).isFalse();

    JsonNode fromRoot = api.get("/continuations/" + root + "/lineage?limit=2", acme).json();
    assertThat(ids(fromRoot.path("descendants"))).containsExactly(left, right);
    assertThat(fromRoot.path("descendantsTruncated").asBoolean()).isTrue();
  }

  @Test
  void givenAnotherTenantsContinuation_whenItsLineageOrAForkIsAsked_thenItIsNotFound() {
    String foreign = api.create("globex", SLEEPING);
    api.runDueTicks();

    assertThat(api.get("/continuations/" + foreign + "/lineage", acme).status()).isEqualTo(404);
    assertThat(fork(foreign, "{\"budget\":{\"maxUsd\":0.1}}").status()).isEqualTo(404);
    assertThat(api.get("/continuations/" + foreign + "/lineage?limit=0", acme).status())
        .isEqualTo(400);
    assertThat(api.events("globex", foreign).getLast().payload())
        .isNotInstanceOf(EventPayload.Forked.class);
  }

  // ---- helpers ----

  private Response fork(String id, String body, String... headers) {
    return api.postJson("/continuations/" + id + "/fork", acme, body, headers);
  }

  private static List<Continuation> prefixStates(List<EventEnvelope> log) {
    var states = new ArrayList<Continuation>();
    Continuation state = null;
    for (EventEnvelope e : log) {
      state = ContinuationFold.apply(state, e);
      states.add(state);
    }
    return states;
  }

  private static List<String> pointers(Response r) {
    var pointers = new ArrayList<String>();
    r.json().path("errors").forEach(e -> pointers.add(e.path("pointer").asText()));
    return pointers;
  }

  private static List<String> ids(JsonNode nodes) {
    var ids = new ArrayList<String>();
    nodes.forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  static JsonNode tree(String json) {
    return Json.tree(json);
  }
}
