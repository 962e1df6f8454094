package dev.maestro.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.security.Principal;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamMessage;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.wake.WakeKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream messages and sibling publishes on the embedded runtime, replay safety included (BRIEF §11,
 * §12): the same message or publish delivered again wakes nobody twice; messages carry no order, so
 * an older message delivered after a newer one is a distinct wake and is applied once, like any
 * other; replaying a whole stream wakes nothing new.
 */
class SiblingAndStreamWakesTest {

  private static final Principal ACME = new Principal(TenantId.of("acme"), "alice", Set.of());
  private static final Principal GLOBEX = new Principal(TenantId.of("globex"), "bob", Set.of());

  @TempDir Path dir;
  private LocalRuntime runtime;

  @BeforeEach
  void start() {
    runtime = LocalRuntime.start(LocalConfig.defaults(dir), Observability.NONE, WakeRecipes.all());
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  // ---- sibling publish ----

  @Test
  void givenASiblingWaitingOnATag_whenAnotherPublishesToIt_thenTheSiblingWakesWithTheContent() {
    ContinuationId sibling = waiting(ACME, WakeRecipes.tagListener("reviewed"));
    ContinuationId elsewhere = waiting(GLOBEX, WakeRecipes.tagListener("reviewed"));

    ContinuationId publisher =
        create(ACME, WakeRecipes.publisher("reviewed", obj().put("verdict", "ok")));

    await().atMost(Duration.ofSeconds(5)).until(() -> wakesOf(ACME, sibling).size() == 2);
    EventEnvelope publish = publishEvent(publisher);
    EventPayload.Woken woken = lastWake(ACME, sibling);
    assertThat(woken.kind()).isEqualTo(WakeKind.PUBLISH);
    assertThat(woken.wakeId()).isEqualTo(PublishFanout.wakeId(publisher, publish.sequence()));
    assertThat(woken.payload().path("content").path("verdict").asText()).isEqualTo("ok");
    assertThat(woken.payload().path("publisher").asText()).isEqualTo(publisher.value());
    assertThat(woken.payload().path("traceparent").asText())
        .isEqualTo("00-" + publisher.traceId() + "-" + publish.spanId() + "-01");
    assertThat(wakesOf(GLOBEX, elsewhere)).as("another tenant's sibling").containsExactly("start");
  }

  @Test
  void givenAPublishAlreadyApplied_whenItsEventIsFannedOutAgain_thenNoSiblingWakesTwice() {
    ContinuationId sibling = waiting(ACME, WakeRecipes.tagListener("reviewed"));
    ContinuationId publisher = create(ACME, WakeRecipes.publisher("reviewed", obj()));
    await().atMost(Duration.ofSeconds(5)).until(() -> wakesOf(ACME, sibling).size() == 2);
    awaitWaiting(ACME, sibling);

    // A replay of the publisher's log (as a CDC replay would do it), twice over.
    var fanout =
        new PublishFanout(
            runtime.subscriptions(),
            new SchedulerWakeSink(runtime.substrate().scheduler(), runtime.config().clock()));
    assertThat(fanout.apply(publishEvent(publisher))).isEqualTo(1);
    fanout.apply(publishEvent(publisher));

    awaitQuiet(ACME, sibling);
    assertThat(wakesOf(ACME, sibling))
        .containsExactly(
            "start", PublishFanout.wakeId(publisher, publishEvent(publisher).sequence()));
  }

  @Test
  void givenTheRuntimeRestarts_whenASiblingStillWaits_thenAPublishAfterTheRestartWakesIt() {
    ContinuationId sibling = waiting(ACME, WakeRecipes.tagListener("reviewed"));
    runtime.close();
    runtime = LocalRuntime.start(LocalConfig.defaults(dir), Observability.NONE, WakeRecipes.all());

    create(ACME, WakeRecipes.publisher("reviewed", obj()));

    await().atMost(Duration.ofSeconds(5)).until(() -> wakesOf(ACME, sibling).size() == 2);
  }

  // ---- streams ----

  @Test
  void givenAListener_whenTheSameMessageIsDeliveredTwice_thenItWakesOnce() {
    ContinuationId listener = waiting(ACME, WakeRecipes.streamListener("papers", obj()));

    assertThat(send(ACME, "papers", "m-1", obj())).isEqualTo(1);
    awaitQuiet(ACME, listener);
    assertThat(send(ACME, "papers", "m-1", obj())).isEqualTo(1);
    awaitQuiet(ACME, listener);

    assertThat(wakesOf(ACME, listener))
        .containsExactly("start", StreamMessage.wakeId("papers", "m-1"));
  }

  @Test
  void givenANewerMessageApplied_whenAnOlderOneArrivesLate_thenItIsADistinctWakeAppliedOnce() {
    ContinuationId listener = waiting(ACME, WakeRecipes.streamListener("papers", obj()));

    send(ACME, "papers", "m-2", obj().put("seq", 2));
    awaitQuiet(ACME, listener);
    send(ACME, "papers", "m-1", obj().put("seq", 1));
    awaitQuiet(ACME, listener);
    send(ACME, "papers", "m-2", obj().put("seq", 2));
    awaitQuiet(ACME, listener);

    assertThat(wakesOf(ACME, listener))
        .containsExactly(
            "start", StreamMessage.wakeId("papers", "m-2"), StreamMessage.wakeId("papers", "m-1"));
  }

  @Test
  void givenAStreamAlreadyConsumed_whenTheWholeStreamIsReplayed_thenNothingNewWakes() {
    ContinuationId listener =
        waiting(ACME, WakeRecipes.streamListener("papers", obj().put("kind", "paper")));
    for (int i = 1; i <= 5; i++) {
      send(ACME, "papers", "m-" + i, obj().put("kind", i % 2 == 0 ? "patent" : "paper"));
      awaitQuiet(ACME, listener);
    }
    List<String> before = wakesOf(ACME, listener);

    for (int i = 1; i <= 5; i++) {
      send(ACME, "papers", "m-" + i, obj().put("kind", i % 2 == 0 ? "patent" : "paper"));
    }
    awaitQuiet(ACME, listener);

    assertThat(before)
        .as("only the messages matching the predicate woke it")
        .containsExactly(
            "start",
            StreamMessage.wakeId("papers", "m-1"),
            StreamMessage.wakeId("papers", "m-3"),
            StreamMessage.wakeId("papers", "m-5"));
    assertThat(wakesOf(ACME, listener)).isEqualTo(before);
  }

  @Test
  void givenAMessageOfAnotherTenant_whenDelivered_thenNobodyHereWakes() {
    ContinuationId listener = waiting(ACME, WakeRecipes.streamListener("papers", obj()));

    assertThat(send(GLOBEX, "papers", "m-1", obj())).isZero();

    awaitQuiet(ACME, listener);
    assertThat(wakesOf(ACME, listener)).containsExactly("start");
  }

  // ---- helpers ----

  private ContinuationId create(Principal caller, dev.maestro.core.continuation.GoalFrame goal) {
    return runtime.service().create(caller, goal, null).continuation().id();
  }

  private ContinuationId waiting(Principal caller, dev.maestro.core.continuation.GoalFrame goal) {
    ContinuationId id = create(caller, goal);
    awaitWaiting(caller, id);
    return id;
  }

  private void awaitWaiting(Principal caller, ContinuationId id) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> runtime.service().get(caller, id).continuation().status() == Status.WAITING);
  }

  /** Until no wake is pending for {@code id} and it waits again. */
  private void awaitQuiet(Principal caller, ContinuationId id) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                runtime.substrate().scheduler() instanceof dev.maestro.core.substrate.TimerQueue q
                    && q.pending(caller.tenant(), id).isEmpty()
                    && runtime.service().get(caller, id).continuation().status() == Status.WAITING);
  }

  private int send(Principal caller, String topic, String messageId, JsonNode body) {
    return runtime
        .streams()
        .deliver(
            new StreamMessage(caller.tenant(), topic, messageId, body, Optional.empty()),
            Instant.now());
  }

  private List<String> wakesOf(Principal caller, ContinuationId id) {
    return WakeRecipes.wakeIds(runtime, caller, id);
  }

  private EventPayload.Woken lastWake(Principal caller, ContinuationId id) {
    return WakeRecipes.log(runtime, caller, id).stream()
        .filter(e -> e.payload() instanceof EventPayload.Woken)
        .map(e -> (EventPayload.Woken) e.payload())
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  private EventEnvelope publishEvent(ContinuationId publisher) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                WakeRecipes.log(runtime, ACME, publisher).stream()
                    .anyMatch(e -> e.payload() instanceof EventPayload.Published));
    return WakeRecipes.log(runtime, ACME, publisher).stream()
        .filter(e -> e.payload() instanceof EventPayload.Published)
        .findFirst()
        .orElseThrow();
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }
}
