package dev.maestro.local.store;

import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.Substrate;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The victim of {@link SqliteKillIT}: appends to several continuations from several threads until
 * the process is killed, printing {@code acked <tenant> <id> <sequence> <hash>} for every append
 * the store acknowledged. Run as its own JVM: {@code AppendUntilKilled <db file> <threads>}.
 */
final class AppendUntilKilled {

  private AppendUntilKilled() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    // Deliberately never closed: the process ends by SIGKILL.
    Substrate substrate = SqliteSubstrate.open(file).substrate();
    var tenant = Fixtures.tenant("crash");
    Instant now = Instant.parse("2026-03-01T09:00:00Z");
    for (int t = 0; t < threads; t++) {
      var spawned = Fixtures.spawned(tenant, now);
      substrate.continuations().create(spawned.continuation(), spawned.spawn());
      Thread.ofPlatform()
          .start(
              () -> {
                EventEnvelope last = spawned.spawn();
                for (int n = 0; ; n++) {
                  EventEnvelope next = Fixtures.next(last, 0, Fixtures.note("crash", n));
                  substrate.events().append(spawned.tenant(), spawned.id(), 0, List.of(next));
                  last = next;
                  synchronized (System.out) {
                    System.out.println(
                        "acked "
                            + next.tenant()
                            + " "
                            + next.continuationId()
                            + " "
                            + next.sequence()
                            + " "
                            + next.hash());
                    System.out.flush();
                  }
                }
              });
    }
    Thread.currentThread().join();
  }
}
