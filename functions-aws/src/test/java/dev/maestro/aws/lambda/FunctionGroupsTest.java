package dev.maestro.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The function groups packaged for deployment ({@code src/lambda/*.properties}, one zip each) name
 * real handlers, and every Lambda handler of the module is deployed by exactly one group.
 */
class FunctionGroupsTest {

  private static final Path GROUPS = Path.of("..", "src", "lambda");
  private static final Path CLASSES = Path.of("classes");

  private record Entry(String group, String function, String className) {}

  private static List<Entry> entries() throws IOException {
    var entries = new ArrayList<Entry>();
    try (Stream<Path> files = Files.list(GROUPS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
        var props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
          props.load(r);
        }
        String group = props.getProperty("group");
        assertThat(file.getFileName().toString()).isEqualTo(group + ".properties");
        for (String name : props.stringPropertyNames()) {
          if (name.equals("group")) continue;
          String handler = props.getProperty(name);
          assertThat(handler).as(name).endsWith("::handleRequest");
          entries.add(new Entry(group, name, handler.substring(0, handler.indexOf("::"))));
        }
      }
    }
    return entries;
  }

  @Test
  void
      givenTheGroups_whenTheirHandlersAreLoaded_thenEachIsAPublicLambdaHandlerWithANoArgConstructor()
          throws Exception {
    List<Entry> entries = entries();
    assertThat(entries).extracting(Entry::group).contains("api", "tick", "streams", "cdc");
    for (Entry e : entries) {
      Class<?> type = Class.forName(e.className(), false, getClass().getClassLoader());
      assertThat(Modifier.isPublic(type.getModifiers())).as(e.className()).isTrue();
      assertThat(
              RequestHandler.class.isAssignableFrom(type)
                  || RequestStreamHandler.class.isAssignableFrom(type))
          .as(e.className() + " is a Lambda handler")
          .isTrue();
      assertThat(type.getConstructor())
          .as(e.className() + " has a public no-arg constructor")
          .isNotNull();
    }
  }

  @Test
  void givenEveryHandlerClassInTheModule_whenGrouped_thenEachIsDeployedByExactlyOneGroup()
      throws Exception {
    var handlers = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(CLASSES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name =
            CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        boolean handler =
            RequestHandler.class.isAssignableFrom(type)
                || RequestStreamHandler.class.isAssignableFrom(type);
        if (handler
            && !Modifier.isAbstract(type.getModifiers())
            && Modifier.isPublic(type.getModifiers())) handlers.add(type.getName());
      }
    }
    List<String> grouped = entries().stream().map(Entry::className).toList();

    assertThat(grouped).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(grouped)).isEqualTo(handlers);
  }
}
