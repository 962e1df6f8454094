package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.error.ConflictException;
import dev.maestro.core.error.LeaseHeldException;
import dev.maestro.core.event.EventChain;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.lease.Lease;
import dev.maestro.core.substrate.AppendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers: whatever the interleaving, a log stays contiguous and chained, with no lost
 * and no duplicated event; of racing lease acquisitions exactly one wins. Threads start together on
 * a latch and every wait is bounded by {@link #concurrencyTimeout()}; nothing sleeps.
 */
public abstract class ConcurrentWritersContract extends SubstrateContract {

  /** How many threads race; override to suit a slow emulator. */
  protected int writers() {
    return 8;
  }

  /** How many events each thread appends; override to suit a slow emulator. */
  protected int eventsPerWriter() {
    return 40;
  }

  /** The bound on any one concurrent test. */
  protected Duration concurrencyTimeout() {
    return Duration.ofSeconds(60);
  }

  @Test
  void
      givenManyWritersOnOneContinuation_whenEachAppendsRetryingOnConflict_thenEveryEventIsInTheLogExactlyOnce()
          throws Exception {
    var spawned = created(Fixtures.tenant("alpha"));

    runConcurrently(
        writers(),
        writer -> {
          EventEnvelope known = spawned.spawn();
          int written = 0;
          while (written < eventsPerWriter()) {
            List<EventEnvelope> newer =
                events().read(spawned.tenant(), spawned.id(), known.sequence(), 1_000);
            if (!newer.isEmpty()) known = newer.get(newer.size() - 1);
            EventEnvelope mine =
                Fixtures.next(known, 0, Fixtures.note("writer-" + writer, written));
            try {
              events().append(spawned.tenant(), spawned.id(), 0, List.of(mine));
              known = mine;
              written++;
            } catch (ConflictException lostTheRace) {
              // Another writer took this sequence first: the next round catches up and tries again.
            }
          }
          return null;
        });

    List<EventEnvelope> all = log(spawned.ref());
    assertThat(all).hasSize(1 + writers() * eventsPerWriter());
    assertThat(EventChain.firstDefect(all)).isEmpty();
    var expectedNotes = new ArrayList<String>();
    for (int w = 0; w < writers(); w++) {
      for (int n = 0; n < eventsPerWriter(); n++) expectedNotes.add("writer-" + w + "#" + n);
    }
    assertThat(all.subList(1, all.size()))
        .extracting(Fixtures::noteKey)
        .containsExactlyInAnyOrderElementsOf(expectedNotes);
  }

  @Test
  void
      givenManyWritersEachOnItsOwnContinuation_whenTheyAppendBatchesAtOnce_thenEveryLogIsCompleteAndChained()
          throws Exception {
    var tenant = Fixtures.tenant("alpha");
    List<Fixtures.Spawned> spawned =
        IntStream.range(0, writers()).mapToObj(i -> created(tenant)).toList();

    runConcurrently(
        writers(),
        writer -> {
          var mine = spawned.get(writer);
          EventEnvelope last = mine.spawn();
          int written = 0;
          while (written < eventsPerWriter()) {
            int size = Math.min(1 + written % 4, eventsPerWriter() - written);
            List<EventEnvelope> batch =
                Fixtures.following(last, 0, size, "writer-" + writer, written);
            AppendResult result = events().append(mine.tenant(), mine.id(), 0, batch);
            assertThat(result.appended()).isEqualTo(size);
            last = batch.get(batch.size() - 1);
            written += size;
          }
          return null;
        });

    for (int w = 0; w < writers(); w++) {
      List<EventEnvelope> all = log(spawned.get(w).ref());
      assertThat(all).hasSize(1 + eventsPerWriter());
      assertThat(EventChain.firstDefect(all)).isEmpty();
      String label = "writer-" + w;
      assertThat(all.subList(1, all.size()))
          .extracting(Fixtures::noteKey)
          .containsExactlyElementsOf(
              IntStream.range(0, eventsPerWriter()).mapToObj(n -> label + "#" + n).toList());
    }
  }

  @Test
  void
      givenManyRetriesOfTheSameBatchAtOnce_whenAppended_thenItIsWrittenOnceAndTheRestAreDuplicates()
          throws Exception {
    var spawned = created(Fixtures.tenant("alpha"));
    var batch = Fixtures.following(spawned.spawn(), 0, 3);

    List<AppendResult> results =
        runConcurrently(
            writers(), writer -> events().append(spawned.tenant(), spawned.id(), 0, batch));

    assertThat(results).filteredOn(r -> r.appended() == 3).hasSize(1);
    assertThat(results).filteredOn(AppendResult::wasDuplicate).hasSize(writers() - 1);
    assertThat(hashes(log(spawned.ref())))
        .containsExactlyElementsOf(
            hashes(List.of(spawned.spawn(), batch.get(0), batch.get(1), batch.get(2))));
  }

  @Test
  void givenManyWorkersRacingForAFreeLease_whenTheyAcquireAtOnce_thenExactlyOneWinsGenerationOne()
      throws Exception {
    var spawned = created(Fixtures.tenant("alpha"));

    List<Optional<Lease>> outcomes =
        runConcurrently(
            writers(),
            writer -> {
              try {
                return Optional.of(
                    continuations()
                        .acquireLease(
                            spawned.tenant(),
                            spawned.id(),
                            "worker-" + writer,
                            Duration.ofSeconds(30),
                            now));
              } catch (LeaseHeldException held) {
                return Optional.<Lease>empty();
              }
            });

    List<Lease> winners = outcomes.stream().flatMap(Optional::stream).toList();
    assertThat(winners).hasSize(1);
    assertThat(winners.get(0).generation()).isEqualTo(1);
    assertThat(continuations().currentLease(spawned.tenant(), spawned.id()))
        .contains(winners.get(0));
  }

  /** One task body, given the writer's index. */
  @FunctionalInterface
  protected interface WriterTask<T> {
    T run(int writer) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads released together, and returns their results in
   * writer order; rethrows the first failure. Bounded by {@link #concurrencyTimeout()}.
   */
  protected final <T> List<T> runConcurrently(int threads, WriterTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      var ready = new CountDownLatch(threads);
      var go = new CountDownLatch(1);
      var futures = new ArrayList<Future<T>>();
      long timeoutMs = concurrencyTimeout().toMillis();
      for (int w = 0; w < threads; w++) {
        int writer = w;
        Callable<T> body =
            () -> {
              ready.countDown();
              if (!go.await(timeoutMs, TimeUnit.MILLISECONDS))
                throw new AssertionError("start signal never came");
              return task.run(writer);
            };
        futures.add(pool.submit(body));
      }
      assertThat(ready.await(timeoutMs, TimeUnit.MILLISECONDS)).as("all writers started").isTrue();
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      var results = new ArrayList<T>();
      for (Future<T> f : futures) {
        results.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(concurrencyTimeout().toMillis(), TimeUnit.MILLISECONDS))
          .as("writer threads stopped")
          .isTrue();
    }
  }
}
