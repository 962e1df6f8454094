package dev.maestro.aws.tick;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import dev.maestro.core.testkit.NpmPackages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick's state machine definition checked by {@code asl-validator} (npm, 4.0.0): the Amazon
 * States Language schema, every transition target, reachability and path syntax. The validator is
 * installed into {@code target/asl-validator} on first use (Node.js and npm are required; the error
 * says so when they are missing). A broken copy of the definition must be refused, which shows the
 * check has teeth.
 */
class TickDefinitionValidatorTest {

  private static final String VERSION = "4.0.0";
  private static Path validator;

  @BeforeAll
  static void install() throws Exception {
    Path home = Path.of("asl-validator").toAbsolutePath();
    validator = home.resolve("node_modules/.bin/asl-validator");
    NpmPackages.ensure(home, "asl-validator", VERSION, "node_modules/.bin/asl-validator");
    assertThat(validator).isExecutable();
  }

  private record Result(int exit, String output) {}

  private static Result run(Path dir, List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          command.getFirst() + " could not be started; install Node.js (with npm): " + e, e);
    }
    boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), output);
  }

  private static Path definition() throws Exception {
    return Path.of(
        TickDefinitionValidatorTest.class.getResource("/statemachine/tick.asl.json").toURI());
  }

  private static Result validate(Path file) throws Exception {
    return run(file.getParent(), List.of(validator.toString(), "--json-path", file.toString()), 60);
  }

  @Test
  void givenTheTickDefinition_whenValidated_thenAslValidatorAcceptsIt() throws Exception {
    Result result = validate(definition());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("is valid");
  }

  @Test
  void givenADefinitionWithADanglingTransition_whenValidated_thenItIsRefused(@TempDir Path dir)
      throws Exception {
    ObjectNode broken = (ObjectNode) Json.mapper().readTree(definition().toFile());
    ((ObjectNode) broken.path("States").path("Stepped")).put("Default", "Nowhere");
    Path file = dir.resolve("broken.asl.json");
    Files.writeString(file, Json.mapper().writeValueAsString(broken));

    Result result = validate(file);

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.output()).contains("Nowhere");
  }

  @Test
  void givenTheDefinition_whenRead_thenItIsAnExpressSizedJsonPathMachine() throws Exception {
    var root = Json.mapper().readTree(definition().toFile());

    assertThat(root.path("QueryLanguage").asText()).isEqualTo("JSONPath");
    assertThat(root.path("TimeoutSeconds").asInt())
        .isLessThanOrEqualTo((int) TickPhases.EXPRESS_LIMIT.toSeconds());
  }
}
