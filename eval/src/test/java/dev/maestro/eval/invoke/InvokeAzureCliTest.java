package dev.maestro.eval.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.azure.durable.ContinuationOrchestrator;
import dev.maestro.azure.durable.OrchestrationInput;
import dev.maestro.azure.local.LocalDurableClient;
import dev.maestro.azure.local.LocalInvoke;
import dev.maestro.core.json.Json;
import dev.maestro.core.wake.Wake;
import dev.maestro.local.cli.CliRun;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maestro invoke azure} as a user runs it, in this JVM: the payload files of {@code
 * src/test/resources/azure} through the HTTP API function and the local orchestration driver onto
 * the embedded SQLite store in a temporary data directory, each invocation opening the store anew.
 * The Durable client is the local one, whose inbox files are read back here.
 */
class InvokeAzureCliTest {

  /** This module's Azure payload files (surefire runs in the module directory). */
  private static final Path PAYLOADS = Path.of("src", "test", "resources", "azure");

  /** The continuation id the example payloads name. */
  private static final String EXAMPLE_ID = "01900000-0000-7000-8000-000000000000";

  @TempDir Path dir;

  /** {@code maestro invoke azure FUNCTION PAYLOAD --data-dir DIR/data [extra...]}. */
  private CliRun invoke(String function, Path payload, String... extra) {
    var args = new ArrayList<>(List.of("invoke", "azure", function, payload.toString()));
    args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }

  /** An example payload file retargeted at continuation {@code id}. */
  private Path example(String name, String id) throws IOException {
    return write(id + "-" + name, Files.readString(PAYLOADS.resolve(name)).replace(EXAMPLE_ID, id));
  }

  private LocalDurableClient inboxes() {
    return new LocalDurableClient(dir.resolve("data").resolve("orchestrations"), Clock.systemUTC());
  }

  /** Creates a continuation through the api function as a user of acme; returns its id. */
  private String create() {
    CliRun created =
        invoke("api", PAYLOADS.resolve("create-continuation.json"), "--principal-tenant", "acme");
    assertThat(created.exit()).as(created.err()).isZero();
    JsonNode response = Json.tree(created.out());
    assertThat(response.path("status").asInt()).as(created.out()).isEqualTo(201);
    assertThat(response.path("headers").path("Location").asText()).startsWith("/continuations/");
    return response.path("body").path("id").asText();
  }

  @Test
  void givenACreatePayload_whenTheOrchestrationIsDrivenWithoutWaiting_thenItCompletesOnDisk()
      throws IOException {
    String id = create();

    // the api function started the continuation's orchestration through the Durable client
    var start = inboxes().started(id);
    assertThat(start).isPresent();
    assertThat(start.get().name()).isEqualTo(ContinuationOrchestrator.NAME);
    OrchestrationInput input = OrchestrationInput.fromJson(start.get().data().asText());
    assertThat(input.tenant()).isEqualTo("acme");
    assertThat(input.pending()).extracting(Wake::id).containsExactly("start");

    CliRun driven = invoke("orchestration", example("orchestration.json", id), "--no-wait");

    assertThat(driven.exit()).as(driven.err()).isZero();
    JsonNode summary = Json.tree(driven.out());
    assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(summary.path("ended").asBoolean()).isTrue();
    assertThat(summary.path("ticks").asInt()).isEqualTo(2);
    assertThat(summary.path("path").toString()).contains("tick timer start", "\"timer ");
    assertThat(driven.err())
        .contains("not the Durable runtime")
        .contains("waiting until")
        .contains("--no-wait");
    assertThat(inboxes().entries(id))
        .extracting(LocalDurableClient.Entry::type)
        .containsExactly(LocalDurableClient.START, LocalDurableClient.COMPLETED);

    CliRun get = invoke("api", example("get-continuation.json", id), "--principal-tenant", "acme");
    assertThat(get.exit()).as(get.err()).isZero();
    JsonNode view = Json.tree(get.out());
    assertThat(view.path("status").asInt()).isEqualTo(200);
    assertThat(view.path("body").path("continuation").path("status").asText())
        .isEqualTo("COMPLETED");

    CliRun otherTenant =
        invoke("api", example("get-continuation.json", id), "--principal-tenant", "globex");
    assertThat(Json.tree(otherTenant.out()).path("status").asInt()).isEqualTo(404);
    CliRun anonymous = invoke("api", example("get-continuation.json", id));
    assertThat(Json.tree(anonymous.out()).path("status").asInt())
        .as("no principal header")
        .isEqualTo(401);
    CliRun elsewhere =
        CliRun.of(
            "invoke",
            "azure",
            "api",
            example("get-continuation.json", id).toString(),
            "--principal-tenant",
            "acme",
            "--data-dir",
            dir.resolve("other").toString());
    assertThat(Json.tree(elsewhere.out()).path("status").asInt())
        .as("another data directory has its own store")
        .isEqualTo(404);
  }

  @Test
  void givenAKillRaisedWhileNoOneDrives_whenTheOrchestrationIsDriven_thenTheEventEndsIt()
      throws IOException {
    String id = create();
    Path kill =
        write(
            "kill.json",
            """
            {"method": "DELETE", "path": "/continuations/%s"}"""
                .formatted(id));

    CliRun killed = invoke("api", kill, "--principal-tenant", "acme");
    assertThat(Json.tree(killed.out()).path("status").asInt()).as(killed.out()).isEqualTo(202);
    assertThat(inboxes().undelivered(id)).hasSize(1);

    CliRun driven = invoke("orchestration", example("orchestration.json", id), "--no-wait");

    assertThat(driven.exit()).as(driven.err()).isZero();
    JsonNode summary = Json.tree(driven.out());
    assertThat(summary.path("status").asText()).isEqualTo("KILLED");
    assertThat(summary.path("path").toString()).contains("\"event 2\"");
    assertThat(inboxes().undelivered(id)).isEmpty();
  }

  @Test
  void givenAnAddressedEventGridEvent_whenInvoked_thenAWakeIsRaisedAndTheDriverDeliversIt()
      throws IOException {
    String id = create();

    CliRun raised = invoke("eventgrid-wake", example("eventgrid-wake.json", id));

    assertThat(raised.exit()).as(raised.err()).isZero();
    JsonNode result = Json.tree(raised.out());
    assertThat(result.path("outcome").asText()).isEqualTo("DELIVERED");
    assertThat(result.path("woken")).hasSize(1);
    assertThat(result.path("woken").get(0).path("continuation_id").asText()).isEqualTo(id);
    assertThat(result.path("woken").get(0).path("kind").asText()).isEqualTo("stream");
    var inbox = inboxes().undelivered(id);
    assertThat(inbox).hasSize(1);
    assertThat(inbox.getFirst().name()).isEqualTo("wake");
    assertThat(inbox.getFirst().data().toString())
        .contains(result.path("woken").get(0).path("wake_id").asText());

    CliRun driven = invoke("orchestration", example("orchestration.json", id), "--no-wait");

    assertThat(driven.exit()).as(driven.err()).isZero();
    JsonNode summary = Json.tree(driven.out());
    assertThat(summary.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(summary.path("path").toString())
        .as("the stream wake was ticked (and ignored: the continuation sleeps on a timer)")
        .contains("tick stream " + result.path("woken").get(0).path("wake_id").asText());
    assertThat(inboxes().undelivered(id)).isEmpty();
  }

  @Test
  void givenAPoisonServiceBusMessage_whenInvoked_thenItIsDeadLetteredInTheStoreAndSucceeds()
      throws IOException {
    Path poison =
        write(
            "poison.json",
            """
            {"body": "not a stream message", "metadata": {"MessageId": "msg-poison"}}""");

    CliRun r = invoke("servicebus-wake", poison);

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode result = Json.tree(r.out());
    assertThat(result.path("outcome").asText()).isEqualTo("DEAD_LETTERED");
    assertThat(result.path("woken")).isEmpty();
    try (var store = SqliteSubstrate.open(dir.resolve("data").resolve(AzureInvoker.DATABASE))) {
      assertThat(store.deadLetters().list())
          .singleElement()
          .satisfies(
              letter -> {
                assertThat(letter.source()).isEqualTo("servicebus");
                assertThat(letter.recordId()).isEqualTo("msg-poison");
                assertThat(letter.raw()).isEqualTo("not a stream message");
              });
    }

    CliRun unwrapped =
        invoke(
            "servicebus-wake",
            write("bare.json", "{\"tenant\": \"acme\", \"topic\": \"t\", \"body\": {}}"));
    assertThat(unwrapped.exit()).isEqualTo(2);
    assertThat(unwrapped.err()).contains("bare.json").contains("unknown field 'tenant'");
  }

  @Test
  void givenACompletedContinuation_whenCdcIsInvoked_thenItsFactRowsArePrintedOnce()
      throws IOException {
    String id = create();
    CliRun driven = invoke("orchestration", example("orchestration.json", id), "--no-wait");
    assertThat(driven.exit()).as(driven.err()).isZero();

    CliRun cdc = invoke("cosmos-cdc", example("cosmos-cdc.json", id));

    assertThat(cdc.exit()).as(cdc.err()).isZero();
    JsonNode result = Json.tree(cdc.out());
    assertThat(result.path("processed").asInt()).isPositive();
    assertThat(result.path("facts").asText()).isEqualTo("stderr");
    List<JsonNode> rows =
        cdc.err()
            .lines()
            .filter(line -> line.startsWith("fact: "))
            .map(line -> Json.tree(line.substring("fact: ".length())))
            .toList();
    assertThat(rows).hasSize(result.path("factRows").asInt());
    assertThat(rows)
        .allSatisfy(row -> assertThat(row.path("continuation_id").asText()).isEqualTo(id));
    assertThat(rows)
        .filteredOn(row -> row.path("table").asText().equals("fact_continuation_lifecycle"))
        .extracting(row -> row.path("status_after").asText())
        .startsWith("created")
        .endsWith("completed");

    Path out = dir.resolve("facts.jsonl");
    CliRun again =
        invoke("cosmos-cdc", example("cosmos-cdc.json", id), "--facts-out", out.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(Json.tree(again.out()).path("processed").asInt())
        .as("the cursor is at the head")
        .isZero();
    assertThat(Files.readString(out)).isEmpty();

    CliRun unknown = invoke("cosmos-cdc", PAYLOADS.resolve("cosmos-cdc.json"));
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(Json.tree(unknown.out()).path("errorMessage").asText()).contains("no continuation");
  }

  @Test
  void givenTheTickActivityPayload_whenInvoked_thenItReportsWhatTheContinuationWaitsFor()
      throws IOException {
    String id = create();

    CliRun tick = invoke("tick", example("tick-start.json", id));

    assertThat(tick.exit()).as(tick.err()).isZero();
    JsonNode result = Json.tree(tick.out());
    assertThat(result.path("status").asText()).isEqualTo("SLEEPING");
    assertThat(result.path("nextTimer").path("at").asText()).isNotBlank();
  }

  @Test
  void givenAnUnknownContinuation_whenTheOrchestrationIsDriven_thenItEndsNotFound() {
    CliRun r = invoke("orchestration", PAYLOADS.resolve("orchestration.json"), "--no-wait");

    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(Json.tree(r.out()).path("status").asText()).isEqualTo("NOT_FOUND");
    assertThat(r.err()).contains("no start recorded");
  }

  @Test
  void givenAnUnknownFunction_whenInvoked_thenItFailsWithTheListOfFunctions() {
    CliRun r = CliRun.of("invoke", "azure", "nope", "payload.json");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no function 'nope'");
    assertThat(r.err()).contains(LocalInvoke.functions().keySet());
  }

  @Test
  void givenAnyLevel_whenAskedForHelp_thenTheFunctionsAndOptionsAreListed() {
    for (String[] args :
        List.of(new String[] {"invoke", "--help"}, new String[] {"invoke", "azure", "--help"})) {
      CliRun r = CliRun.of(args);

      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains(LocalInvoke.functions().keySet());
    }
    assertThat(CliRun.of("invoke", "azure", "--help").out()).contains("not the Durable runtime");
    CliRun function = CliRun.of("invoke", "azure", "orchestration", "--help");
    assertThat(function.exit()).isZero();
    assertThat(function.out())
        .contains("Usage: maestro invoke azure orchestration")
        .contains("--no-wait", "--data-dir", "--max-ticks", "--principal-tenant", "EVENT");
  }

  @Test
  void givenAMalformedMissingOrMisshapenPayload_whenInvoked_thenItFailsNamingTheFileAndProblem()
      throws IOException {
    Path malformed = write("malformed.json", "{\"method\": \"GET\",\n \"path\": }");

    CliRun r = invoke("api", malformed);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .contains(malformed.toString())
        .contains("not valid JSON")
        .contains("line 2");

    CliRun missing = invoke("api", dir.resolve("absent.json"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("absent.json").contains("does not exist");

    CliRun misspelt =
        invoke("api", write("misspelt.json", "{\"method\": \"GET\", \"pth\": \"/x\"}"));
    assertThat(misspelt.exit()).isEqualTo(2);
    assertThat(misspelt.err()).contains("misspelt.json").contains("unknown field 'pth'");

    CliRun method =
        invoke("api", write("put.json", "{\"method\": \"PUT\", \"path\": \"/continuations\"}"));
    assertThat(method.exit()).isEqualTo(2);
    assertThat(method.err()).contains("PUT").contains("GET");

    CliRun tick = invoke("tick", write("not-an-input.json", "{\"tenant\": \"acme\"}"));
    assertThat(tick.exit()).isEqualTo(2);
    assertThat(tick.err()).contains("not-an-input.json").contains("TickActivityInput");

    CliRun orchestration =
        invoke("orchestration", write("no-id.json", "{\"tenant\": \"acme\", \"id\": \"x\"}"));
    assertThat(orchestration.exit()).isEqualTo(2);
    assertThat(orchestration.err()).contains("no-id.json");

    CliRun maxTicks =
        invoke("orchestration", PAYLOADS.resolve("orchestration.json"), "--max-ticks", "0");
    assertThat(maxTicks.exit()).isEqualTo(2);
    assertThat(maxTicks.err()).contains("--max-ticks");
  }
}
