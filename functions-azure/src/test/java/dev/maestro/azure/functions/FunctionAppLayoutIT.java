package dev.maestro.azure.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Functions app laid out by {@code mvn package} (azure-functions-maven-plugin, offline): one
 * {@code function.json} per {@code @FunctionName} method of the module, pointing at that method,
 * the host settings the app relies on, and the dependencies beside it. What the Functions host does
 * with the layout is not exercised (no host runs here).
 */
class FunctionAppLayoutIT {

  private static final Path APP = Path.of("azure-functions", "maestro-functions");
  private static final Path CLASSES = Path.of("classes");

  /** {@code @FunctionName} value → {@code Class.method}, for every function of the module. */
  private static Map<String, String> declaredFunctions() throws Exception {
    var functions = new TreeMap<String, String>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name =
            CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, FunctionAppLayoutIT.class.getClassLoader());
        for (Method m : type.getDeclaredMethods()) {
          FunctionName fn = m.getAnnotation(FunctionName.class);
          if (fn != null) functions.put(fn.value(), type.getName() + "." + m.getName());
        }
      }
    }
    return functions;
  }

  @Test
  void givenThePackagedApp_whenRead_thenEveryFunctionHasItsFunctionJsonPointingAtItsMethod()
      throws Exception {
    Map<String, String> declared = declaredFunctions();
    assertThat(declared).containsKey("api");

    for (var e : declared.entrySet()) {
      Path file = APP.resolve(e.getKey()).resolve("function.json");
      assertThat(file).as("function.json of " + e.getKey()).exists();
      JsonNode json = Json.mapper().readTree(file.toFile());
      assertThat(json.path("entryPoint").asText()).isEqualTo(e.getValue());
      assertThat(json.path("bindings").isArray()).isTrue();
      assertThat(APP.resolve(json.path("scriptFile").asText().replace("../", ""))).exists();
    }
  }

  @Test
  void givenTheHostJson_whenRead_thenRoutesHaveNoPrefixAndTheExtensionBundleIsPinned()
      throws IOException {
    JsonNode host = Json.mapper().readTree(APP.resolve("host.json").toFile());

    assertThat(host.path("version").asText()).isEqualTo("2.0");
    assertThat(host.path("extensions").path("http").path("routePrefix").asText()).isEmpty();
    assertThat(host.path("extensionBundle").path("id").asText())
        .isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
  }

  @Test
  void givenTheLibFolder_whenListed_thenEachArtifactIsThereOnce() throws IOException {
    List<String> artifacts = new ArrayList<>();
    try (Stream<Path> jars = Files.list(APP.resolve("lib"))) {
      jars.map(p -> p.getFileName().toString().replaceAll("-[0-9][^-]*(\\.Final)?\\.jar$", ""))
          .forEach(artifacts::add);
    }
    assertThat(artifacts).isNotEmpty().doesNotHaveDuplicates();
  }
}
