package dev.maestro.eval.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.aws.local.LocalInvoke;
import dev.maestro.core.json.Json;
import dev.maestro.local.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maestro invoke aws} as a user runs it, in this JVM: the functions-aws test event files
 * through the API handler and the tick state machine onto DynamoDB Local kept in a temporary data
 * directory, each invocation starting its own DynamoDB Local on the same file.
 */
class InvokeAwsCliTest {

  /** The functions-aws event files (surefire runs in the module directory). */
  private static final Path EVENTS =
      Path.of("..", "functions-aws", "src", "test", "resources", "events");

  @TempDir Path dir;

  /** {@code maestro invoke aws FUNCTION EVENT --data-dir DIR/data [extra...]}. */
  private CliRun invoke(String function, Path event, String... extra) {
    var args = new ArrayList<>(List.of("invoke", "aws", function, event.toString()));
    args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private Path write(String name, String json) throws IOException {
    return Files.writeString(dir.resolve(name), json);
  }

  private static String event(String name) throws IOException {
    return Files.readString(EVENTS.resolve(name));
  }

  /** The get-continuation event file retargeted at {@code id}. */
  private Path getEvent(String id) throws IOException {
    return write(
        "get-" + id + ".json",
        event("get-continuation.json").replace("01900000-0000-7000-8000-000000000000", id));
  }

  @Test
  void givenACreateEvent_whenTheTickRunsWithoutWaiting_thenTheContinuationCompletesOnDisk()
      throws IOException {
    Path create =
        write(
            "create.json",
            event("create-continuation.json").replace("\\\"PT1H\\\"", "\\\"PT30S\\\""));

    CliRun created = invoke("api", create);

    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(Json.tree(created.out()).path("statusCode").asInt()).isEqualTo(201);
    JsonNode body = Json.tree(Json.tree(created.out()).path("body").asText());
    String id = body.path("id").asText();
    assertThat(id).isNotBlank();
    assertThat(body.path("goalFrame").path("parameters").path("sleep").asText()).isEqualTo("PT30S");
    JsonNode wakeAt = body.path("wakeCondition").path("at");

    Path request =
        write(
            "tick.json",
            """
            {"tenant": "acme", "continuation_id": "%s",
             "wake": {"id": "start", "kind": "timer", "channel": "start", "at": "%s"}}"""
                .formatted(id, wakeAt.asText()));
    CliRun tick = invoke("tick", request, "--no-wait");

    assertThat(tick.exit()).as(tick.err()).isZero();
    assertThat(Json.tree(tick.out()).path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(Json.tree(tick.out()).path("path").toString())
        .contains("\"WaitForTimer\"", "\"Done\"");
    assertThat(Json.tree(tick.out()).path("output").path("persisted").path("status").asText())
        .isEqualTo("COMPLETED");
    assertThat(tick.err()).contains("waiting until").contains("--no-wait");

    CliRun get = invoke("api", getEvent(id));

    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(Json.tree(get.out()).path("statusCode").asInt()).isEqualTo(200);
    JsonNode view = Json.tree(Json.tree(get.out()).path("body").asText());
    assertThat(view.path("continuation").path("status").asText()).isEqualTo("COMPLETED");

    CliRun elsewhere =
        CliRun.of(
            "invoke",
            "aws",
            "api",
            getEvent(id).toString(),
            "--data-dir",
            dir.resolve("other").toString());
    assertThat(Json.tree(elsewhere.out()).path("statusCode").asInt())
        .as("another data directory has its own tables")
        .isEqualTo(404);
  }

  @Test
  void givenAnUnknownFunction_whenInvoked_thenItFailsWithTheListOfFunctions() {
    CliRun r = CliRun.of("invoke", "aws", "nope", "event.json");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no function 'nope'");
    assertThat(r.err()).contains(LocalInvoke.functions().keySet());
  }

  @Test
  void givenAnUnknownCloud_whenInvoked_thenItFailsNamingTheClouds() {
    CliRun r = CliRun.of("invoke", "gcp", "api", "event.json");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no cloud 'gcp'").contains("aws");
  }

  @Test
  void givenAnyLevel_whenAskedForHelp_thenTheFunctionsAreListed() {
    for (String[] args :
        List.of(new String[] {"invoke", "--help"}, new String[] {"invoke", "aws", "--help"})) {
      CliRun r = CliRun.of(args);

      assertThat(r.exit()).isZero();
      assertThat(r.out()).contains(LocalInvoke.functions().keySet());
      assertThat(r.out()).contains(LocalInvoke.functions().get("tick"));
    }
    CliRun function = CliRun.of("invoke", "aws", "tick", "--help");
    assertThat(function.exit()).isZero();
    assertThat(function.out())
        .contains("Usage: maestro invoke aws tick")
        .contains("--no-wait", "--data-dir", "--dynamodb-endpoint", "--table-prefix", "EVENT");
  }

  @Test
  void givenAMalformedOrMissingEventFile_whenInvoked_thenItFailsNamingTheFileAndTheProblem()
      throws IOException {
    Path malformed = write("malformed.json", "{\"version\": \"2.0\",\n \"rawPath\": }");

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

    CliRun wrongShape = invoke("tick", write("not-a-request.json", "{\"tenant\": \"acme\"}"));
    assertThat(wrongShape.exit()).isEqualTo(2);
    assertThat(wrongShape.err()).contains("not-a-request.json").contains("TickRequest");
  }

  @Test
  void givenAHandlerThatThrows_whenInvoked_thenLambdasErrorDocumentIsPrinted() throws IOException {
    // A payload format 1.0 shaped event: the handler refuses it as a misconfigured integration.
    Path format1 = write("format1.json", "{\"rawPath\": \"/continuations\"}");

    CliRun r = invoke("api", format1);

    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(Json.tree(r.out()).path("errorType").asText())
        .isEqualTo("java.lang.IllegalArgumentException");
    assertThat(Json.tree(r.out()).path("errorMessage").asText()).contains("payload format 2.0");
  }
}
