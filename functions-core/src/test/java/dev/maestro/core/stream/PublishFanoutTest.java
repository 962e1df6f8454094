package dev.maestro.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Sibling publish fan-out: who is woken, with which wake id, and what the wake carries. */
class PublishFanoutTest {

  private static final TenantId ACME = TenantId.of("acme");
  private static final TenantId GLOBEX = TenantId.of("globex");
  private static final ContinuationId PUBLISHER =
      ContinuationId.of("0190a1b2-0000-7000-8000-000000000001");
  private static final ContinuationId SIBLING =
      ContinuationId.of("0190a1b2-0000-7000-8000-000000000002");
  private static final ContinuationId OTHER =
      ContinuationId.of("0190a1b2-0000-7000-8000-000000000003");
  private static final Instant AT = Instant.parse("2024-05-01T12:00:00Z");

  private final Index index = new Index();
  private final List<Delivery> delivered = new ArrayList<>();
  private final PublishFanout fanout =
      new PublishFanout(index, (ref, wake) -> delivered.add(new Delivery(ref, wake)));
  private final SubscriptionIndexer indexer = new SubscriptionIndexer(index);

  @Test
  void givenSubscribersOfTheTag_whenItIsPublished_thenEachButThePublisherWakesOnce() {
    sleep(ACME, SIBLING, new WakeCondition.Publish("done"), 3);
    sleep(ACME, PUBLISHER, new WakeCondition.Publish("done"), 3);
    sleep(GLOBEX, OTHER, new WakeCondition.Publish("done"), 3);
    sleep(ACME, OTHER, new WakeCondition.Publish("other-tag"), 3);

    int count = fanout.apply(publish(7, "done"));

    assertThat(count).isEqualTo(1);
    assertThat(delivered)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.ref()).isEqualTo(new ContinuationRef(ACME, SIBLING));
              assertThat(d.wake().kind()).isEqualTo(WakeKind.PUBLISH);
              assertThat(d.wake().channel()).isEqualTo("done");
              assertThat(d.wake().id()).isEqualTo("publish-" + PUBLISHER.value() + "-7");
              assertThat(new WakeCondition.Publish("done").matches(d.wake())).isTrue();
            });
  }

  @Test
  void givenAPublish_whenItsWakeIsBuilt_thenItCarriesTagContentPublisherAndTraceparent() {
    EventEnvelope event = publish(7, "done");

    Wake wake = PublishFanout.wake(event);

    assertThat(wake.payload().path("tag").asText()).isEqualTo("done");
    assertThat(wake.payload().path("content").path("n").asInt()).isEqualTo(42);
    assertThat(wake.payload().path("publisher").asText()).isEqualTo(PUBLISHER.value());
    assertThat(wake.payload().path("traceparent").asText())
        .isEqualTo("00-" + event.traceId() + "-" + event.spanId() + "-01")
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(wake.at()).isEqualTo(event.timestamp());
  }

  @Test
  void givenTheSamePublishAppliedTwice_whenFannedOut_thenBothDeliveriesNameTheSameWake() {
    sleep(ACME, SIBLING, new WakeCondition.Publish("done"), 3);

    fanout.apply(publish(7, "done"));
    fanout.apply(publish(7, "done"));
    fanout.apply(publish(9, "done"));

    assertThat(delivered)
        .extracting(d -> d.wake().id())
        .containsExactly(
            "publish-" + PUBLISHER.value() + "-7",
            "publish-" + PUBLISHER.value() + "-7",
            "publish-" + PUBLISHER.value() + "-9");
  }

  @Test
  void givenAStreamTopicAndAPublishTagOfTheSameName_whenIndexed_thenTheirKeysDiffer() {
    var condition =
        new WakeCondition.AnyOf(
            List.of(
                new WakeCondition.Stream("done", null),
                new WakeCondition.Publish("done"),
                new WakeCondition.Timer("timer-3", AT)));

    assertThat(SubscriptionIndexer.keys(condition)).containsExactly("#publish:done", "done");
    assertThat(SubscriptionIndexer.topics(condition)).containsExactly("done");
  }

  @Test
  void givenAnEventThatIsNotAPublish_whenApplied_thenNobodyWakes() {
    sleep(ACME, SIBLING, new WakeCondition.Publish("done"), 3);

    int count = fanout.apply(event(ACME, PUBLISHER, 4, new EventPayload.Completed(obj(), null)));

    assertThat(count).isZero();
    assertThat(delivered).isEmpty();
  }

  // ---- helpers ----

  record Delivery(ContinuationRef ref, Wake wake) {}

  private void sleep(TenantId tenant, ContinuationId id, WakeCondition until, long sequence) {
    indexer.apply(event(tenant, id, sequence, new EventPayload.Slept(until, "waiting", obj())));
  }

  private static EventEnvelope publish(long sequence, String tag) {
    return event(ACME, PUBLISHER, sequence, new EventPayload.Published(tag, obj().put("n", 42)));
  }

  private static EventEnvelope event(
      TenantId tenant, ContinuationId id, long sequence, EventPayload payload) {
    return EventEnvelope.seal(
        id,
        tenant,
        1,
        sequence,
        AT,
        id.traceId(),
        "00f067aa0ba902b7",
        Runtime.MAESTRO,
        payload,
        EventEnvelope.GENESIS);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The index semantics of {@link Subscriptions}, in memory. */
  private static final class Index implements Subscriptions {
    private final Map<ContinuationRef, Set<String>> keys =
        new TreeMap<>(
            java.util.Comparator.comparing((ContinuationRef r) -> r.tenant().value())
                .thenComparing(r -> r.id().value()));
    private final Map<ContinuationRef, Long> sequences = new java.util.HashMap<>();

    @Override
    public List<ContinuationId> subscribers(TenantId tenant, String topic) {
      return keys.entrySet().stream()
          .filter(e -> e.getKey().tenant().equals(tenant) && e.getValue().contains(topic))
          .map(e -> e.getKey().id())
          .toList();
    }

    @Override
    public void subscribe(ContinuationRef ref, Set<String> topics, long sequence) {
      if (sequences.getOrDefault(ref, -1L) >= sequence) return;
      keys.put(ref, new TreeSet<>(topics));
      sequences.put(ref, sequence);
    }

    @Override
    public void unsubscribe(ContinuationRef ref, long sequence) {
      if (sequences.getOrDefault(ref, -1L) >= sequence) return;
      keys.remove(ref);
      sequences.put(ref, sequence);
    }
  }
}
