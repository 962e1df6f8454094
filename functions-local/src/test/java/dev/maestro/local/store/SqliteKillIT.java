package dev.maestro.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.ContinuationRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability as BRIEF §7 defines it: "killing the process loses nothing". A child JVM appends from
 * several threads and reports each acknowledged append; it is killed with SIGKILL mid-stream, and
 * every acknowledged event must be in the reopened log, with the chain intact.
 */
class SqliteKillIT {

  private static final int ACKS_BEFORE_KILL = 2_000;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void givenAppendsInFlight_whenTheProcessIsKilled_thenEveryAcknowledgedEventSurvives()
      throws Exception {
    Path file = dir.resolve("maestro.db");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                AppendUntilKilled.class.getName(),
                file.toString(),
                "8")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<ContinuationRef, Map<Long, String>> acked = new HashMap<>();
    try (var out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      int count = 0;
      for (String line; (line = out.readLine()) != null; ) {
        record(acked, line);
        // Through the handle: Process.destroyForcibly() would also close our end of the pipe, and
        // the acknowledgements still buffered in it must be read.
        if (++count == ACKS_BEFORE_KILL) child.toHandle().destroyForcibly();
      }
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
    }
    assertThat(acked.values().stream().mapToInt(Map::size).sum())
        .isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

    try (var reopened = SqliteSubstrate.open(file)) {
      for (var entry : acked.entrySet()) {
        ContinuationRef ref = entry.getKey();
        List<EventEnvelope> log = readAll(reopened, ref);
        assertThat(EventChain.firstDefect(log)).as("chain of " + ref).isEmpty();
        Map<Long, String> stored = new HashMap<>();
        log.forEach(e -> stored.put(e.sequence(), e.hash()));
        assertThat(stored).as("log of " + ref).containsAllEntriesOf(entry.getValue());
      }
    }
  }

  private static void record(Map<ContinuationRef, Map<Long, String>> acked, String line)
      throws IOException {
    String[] parts = line.split(" ");
    if (parts.length != 5 || !parts[0].equals("acked"))
      throw new IOException("unexpected output: " + line);
    var ref = new ContinuationRef(TenantId.of(parts[1]), ContinuationId.of(parts[2]));
    acked.computeIfAbsent(ref, r -> new HashMap<>()).put(Long.parseLong(parts[3]), parts[4]);
  }

  private static List<EventEnvelope> readAll(SqliteSubstrate store, ContinuationRef ref) {
    var all = new ArrayList<EventEnvelope>();
    for (List<EventEnvelope> page = store.substrate().events().read(ref.tenant(), ref.id(), 0, 500);
        !page.isEmpty();
        page =
            store
                .substrate()
                .events()
                .read(ref.tenant(), ref.id(), all.get(all.size() - 1).sequence(), 500)) {
      all.addAll(page);
    }
    return all;
  }
}
