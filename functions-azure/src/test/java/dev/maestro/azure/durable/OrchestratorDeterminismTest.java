package dev.maestro.azure.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's bytecode names no clock, randomness or I/O: replay needs it deterministic, so
 * time may only come from the orchestration context. A constant-pool scan of the orchestrator's
 * classes, without a bytecode library.
 */
class OrchestratorDeterminismTest {

  private static final List<String> FORBIDDEN =
      List.of(
          "java/time/Clock",
          "currentTimeMillis",
          "nanoTime",
          "now",
          "java/util/Random",
          "java/util/UUID",
          "java/util/concurrent/ThreadLocalRandom",
          "java/lang/Thread",
          "java/io/File",
          "java/nio/file/Files",
          "java/net/URL",
          "java/net/http/HttpClient",
          "getenv",
          "getProperty",
          "dev/maestro/core/tick/TickEngine",
          "dev/maestro/core/substrate/Substrate");

  @Test
  void theOrchestratorNamesNoClockRandomOrIo() throws IOException {
    for (String name :
        List.of("ContinuationOrchestrator", "ContinuationOrchestrator$Run", "OrchestrationInput")) {
      Set<String> names = constantPoolStrings(name);
      assertThat(names).as("constant pool of %s", name).isNotEmpty();
      assertThat(names).as("constant pool of %s", name).doesNotContainAnyElementsOf(FORBIDDEN);
      for (String n : names) {
        assertThat(FORBIDDEN.stream().filter(f -> f.contains("/")).noneMatch(n::contains))
            .as("%s names %s", name, n)
            .isTrue();
      }
    }
  }

  /** The UTF-8 entries of a class's constant pool (class, member and descriptor names). */
  private static Set<String> constantPoolStrings(String simpleName) throws IOException {
    try (InputStream in =
            OrchestratorDeterminismTest.class.getResourceAsStream(simpleName + ".class");
        DataInputStream data = new DataInputStream(in)) {
      data.readInt(); // magic
      data.readUnsignedShort(); // minor
      data.readUnsignedShort(); // major
      int count = data.readUnsignedShort();
      Set<String> strings = new HashSet<>();
      for (int i = 1; i < count; i++) {
        int tag = data.readUnsignedByte();
        switch (tag) {
          case 1 -> strings.add(data.readUTF());
          case 3, 4 -> data.readInt();
          case 5, 6 -> {
            data.readLong();
            i++;
          }
          case 7, 8, 16, 19, 20 -> data.readUnsignedShort();
          case 9, 10, 11, 12, 17, 18 -> data.readInt();
          case 15 -> {
            data.readUnsignedByte();
            data.readUnsignedShort();
          }
          default -> throw new IOException("unknown constant pool tag " + tag);
        }
      }
      return strings;
    }
  }
}
