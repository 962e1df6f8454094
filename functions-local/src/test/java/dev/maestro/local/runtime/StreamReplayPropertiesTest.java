package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.TimerQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Replay safety of stream wakes on the embedded runtime, whatever the delivery order and however
 * often each message is delivered (BRIEF §12 "duplicate and out-of-order deliveries, stream
 * replay"): each distinct message matching the listeners' predicate produces at most one {@code
 * wake} event per listener, and a message not matching produces none. A message that reaches a
 * listener mid-tick is retried after the tick (the index keeps naming it until its next sleep); the
 * stream is then replayed message by message, after which every matching message has woken each
 * listener exactly once.
 */
class StreamReplayPropertiesTest {

  private static final Principal ACME = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static Path dir;
  private static LocalRuntime runtime;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("maestro-stream-replay");
    runtime = LocalRuntime.start(LocalConfig.defaults(dir), Observability.NONE, WakeRecipes.all());
  }

  @AfterContainer
  static void stop() {
    if (runtime != null) runtime.close();
  }

  /** One delivery: which of the messages (by index) and whether it matches the predicate. */
  record Delivery(int message, boolean matching) {}

  @Provide
  Arbitrary<List<Delivery>> deliveries() {
    // Up to 12 distinct messages, each delivered 1..3 times, the whole shuffled.
    return Arbitraries.integers()
        .between(1, 12)
        .flatMap(
            n ->
                Combinators.combine(
                        Arbitraries.of(true, false).list().ofSize(n),
                        Arbitraries.integers().between(1, 3).list().ofSize(n))
                    .as(
                        (matching, copies) -> {
                          var all = new ArrayList<Delivery>();
                          for (int i = 0; i < n; i++) {
                            for (int c = 0; c < copies.get(i); c++) {
                              all.add(new Delivery(i, matching.get(i)));
                            }
                          }
                          return all;
                        })
                    .flatMap(all -> Arbitraries.shuffle(all)));
  }

  @Property(tries = 20, shrinking = ShrinkingMode.BOUNDED)
  void eachDistinctMatchingMessageWakesEachListenerAtMostOnce(
      @ForAll("deliveries") List<Delivery> deliveries) {
    String topic = "topic-" + TOPICS.incrementAndGet();
    var predicate = JsonNodeFactory.instance.objectNode().put("kind", "paper");
    var listeners = new ArrayList<ContinuationId>();
    for (int i = 0; i < 2; i++) {
      listeners.add(
          runtime
              .service()
              .create(ACME, WakeRecipes.streamListener(topic, predicate), null)
              .continuation()
              .id());
    }
    listeners.forEach(this::awaitQuiet);

    for (Delivery d : deliveries) send(topic, d);
    listeners.forEach(this::awaitQuiet);

    Set<String> expected = new HashSet<>();
    for (Delivery d : deliveries) {
      if (d.matching()) expected.add(StreamMessage.wakeId(topic, "m-" + d.message()));
    }
    for (ContinuationId listener : listeners) {
      List<String> wakes = streamWakes(listener);
      assertThat(wakes).as("the burst").doesNotHaveDuplicates();
      assertThat(expected).as("the burst").containsAll(wakes);
    }

    // The whole stream replayed, in the same order, one message at a time.
    for (Delivery d : deliveries) {
      send(topic, d);
      listeners.forEach(this::awaitQuiet);
    }

    for (ContinuationId listener : listeners) {
      List<String> wakes = streamWakes(listener);
      assertThat(wakes).as("after the replay").doesNotHaveDuplicates();
      assertThat(new HashSet<>(wakes)).as("after the replay").isEqualTo(expected);
    }
  }

  private static void send(String topic, Delivery d) {
    var body = JsonNodeFactory.instance.objectNode().put("kind", d.matching() ? "paper" : "patent");
    runtime
        .streams()
        .deliver(
            new StreamMessage(ACME.tenant(), topic, "m-" + d.message(), body, Optional.empty()),
            Instant.now());
  }

  /** The listener's stream wake ids, in log order (its first wake is the start timer). */
  private static List<String> streamWakes(ContinuationId listener) {
    List<String> wakes = WakeRecipes.wakeIds(runtime, ACME, listener);
    return wakes.subList(1, wakes.size());
  }

  private void awaitQuiet(ContinuationId id) {
    var timers = (TimerQueue) runtime.substrate().scheduler();
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                timers.pending(ACME.tenant(), id).isEmpty()
                    && runtime.service().get(ACME, id).continuation().status() == Status.WAITING);
  }
}
