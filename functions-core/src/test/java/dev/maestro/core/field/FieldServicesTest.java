package dev.maestro.core.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.conformance.MemorySubstrate;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.NotFoundException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.security.Principal;
import dev.maestro.core.time.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default field service over the episodic channel: tenant scoping, budget validation and
 * enforcement, provenance, and the cache.
 */
class FieldServicesTest {

  static final TenantId ACME = TenantId.of("acme");
  static final Instant SPAWNED = Instant.parse("2026-03-01T09:00:00Z");
  static final String OBJECTIVE = "Evidence brief on rumen-protected choline in dairy cows";

  private final ManualClock clock = new ManualClock(SPAWNED.plus(Duration.ofHours(1)));
  private final MemorySubstrate memory = new MemorySubstrate();
  private final ContinuationService continuations =
      new ContinuationService(memory.substrate(), clock, new SplittableRandom(7));
  private final FieldServices fields = FieldServices.episodic(continuations, clock);
  private final Principal acme = new Principal(ACME, "ana", Set.of());

  private ContinuationId spawnWithHistory() {
    ContinuationId id = memory.spawn(ACME, OBJECTIVE, SPAWNED).id();
    var json = JsonNodeFactory.instance;
    memory.append(
        id,
        new EventPayload.Published(
            "notes",
            json.objectNode()
                .put("finding", "Rumen-protected choline raised milk yield in dairy cows")));
    memory.append(
        id,
        new EventPayload.ToolCall(
            "call-1",
            "search",
            json.objectNode().put("q", "choline dairy"),
            json.objectNode().put("hits", "twelve trials on choline supplementation"),
            true));
    memory.append(
        id,
        new EventPayload.HumanSignal(
            "signal-1", "redirect", "ana", json.objectNode().put("note", "focus on cows")));
    memory.append(
        id,
        new EventPayload.ModelCall(
            "call-2", "local", "echo", "haiku", 10, 5, 3, BigDecimal.ZERO, "pass", true));
    memory.append(
        id, new EventPayload.Published("notes", json.objectNode().put("weather", "sunny today")));
    return id;
  }

  @Test
  void
      givenAContinuationWithHistory_whenItsFieldIsAsked_thenOverlappingEventsComeBackWithProvenance() {
    ContinuationId id = spawnWithHistory();

    FieldManifest field = fields.field(acme, id, null);

    assertThat(field.continuationId()).isEqualTo(id);
    assertThat(field.tenant()).isEqualTo(ACME);
    assertThat(field.budgetTokens()).isEqualTo(FieldService.DEFAULT_BUDGET_TOKENS);
    assertThat(field.items()).hasSize(3);
    assertThat(field.items())
        .extracting(FieldItem::channel)
        .containsOnly(Channel.EPISODIC, Channel.HUMAN);
    assertThat(field.items().get(0).text()).contains("milk yield");
    for (FieldItem item : field.items()) {
      Provenance p = item.provenance().get(0);
      assertThat(p.source())
          .isEqualTo(
              item.channel() == Channel.HUMAN ? HumanChannel.SOURCE : EpisodicChannel.SOURCE);
      assertThat(p.uri()).startsWith(id.value() + "#");
      assertThat(p.recordedAt()).isAfter(SPAWNED);
      assertThat(p.trust()).isBetween(0.0, 1.0);
    }
    assertThat(field.items())
        .extracting(FieldItem::text)
        .noneMatch(t -> t.contains("sunny"))
        .noneMatch(t -> t.contains("model call"));
    assertThat(field.channels())
        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(ChannelReport.Outcome.ANSWERED));
    assertThat(field.corpusVersion()).isEqualTo(FieldQuery.UNVERSIONED);
    assertThat(field.staleAt()).isEqualTo(clock.instant().plus(FieldSettings.DEFAULTS.ttl()));
  }

  @Test
  void givenAnotherTenantsContinuation_whenItsFieldIsAsked_thenItIsNotFound() {
    ContinuationId id = spawnWithHistory();
    var intruder = new Principal(TenantId.of("umbrella"), "eve", Set.of());

    assertThatThrownBy(() -> fields.field(intruder, id, null))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void givenAnUnknownContinuation_whenItsFieldIsAsked_thenItIsNotFound() {
    assertThatThrownBy(
            () -> fields.field(acme, ContinuationId.newId(SPAWNED, new SplittableRandom(1)), null))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void givenABudgetOutOfRange_whenTheFieldIsAsked_thenTheBudgetParameterIsNamed() {
    ContinuationId id = spawnWithHistory();
    for (int bad : new int[] {0, -1, FieldService.MAX_BUDGET_TOKENS + 1}) {
      assertThatThrownBy(() -> fields.field(acme, id, bad))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.errors())
                      .extracting(InvalidInputException.FieldError::pointer)
                      .containsExactly(FieldService.BUDGET_POINTER));
    }
  }

  @Test
  void givenASmallBudget_whenTheFieldIsAssembled_thenItIsNeverExceededAndTheRestIsEvicted() {
    ContinuationId id = spawnWithHistory();
    var json = JsonNodeFactory.instance;
    for (int n = 0; n < 20; n++) {
      memory.append(
          id,
          new EventPayload.Published(
              "notes",
              json.objectNode()
                  .put("finding", "choline trial " + n + " in dairy cows " + "x".repeat(n * 20))));
    }

    FieldManifest field = fields.field(acme, id, 40);

    assertThat(field.budgetTokens()).isEqualTo(40);
    assertThat(field.tokensUsed()).isLessThanOrEqualTo(40);
    assertThat(field.items()).isNotEmpty();
    assertThat(field.evicted()).anyMatch(e -> e.reason() == Eviction.Reason.OVER_BUDGET);
  }

  @Test
  void givenTheSameCandidates_whenTheFieldIsAskedTwice_thenTheSecondIsServedFromTheCache() {
    ContinuationId id = spawnWithHistory();

    FieldManifest first = fields.field(acme, id, 1000);
    clock.advance(Duration.ofSeconds(30));
    FieldManifest second = fields.field(acme, id, 1000);

    assertThat(second).isSameAs(first);
    assertThat(fields.cacheStats().hits()).isEqualTo(1);
    assertThat(fields.cacheStats().misses()).isEqualTo(1);
  }

  @Test
  void givenANewRelevantEvent_whenTheFieldIsAskedAgain_thenItIsReassembled() {
    ContinuationId id = spawnWithHistory();
    FieldManifest first = fields.field(acme, id, 1000);

    EventEnvelope added =
        memory.append(
            id,
            new EventPayload.Published(
                "notes",
                JsonNodeFactory.instance.objectNode().put("finding", "choline dose for cows")));
    FieldManifest second = fields.field(acme, id, 1000);

    assertThat(second).isNotSameAs(first);
    assertThat(second.items())
        .anyMatch(i -> i.provenance().get(0).uri().equals(id.value() + "#" + added.sequence()));
  }

  @Test
  void givenADifferentBudget_whenTheFieldIsAsked_thenTheCacheDoesNotAnswerForTheOtherBudget() {
    ContinuationId id = spawnWithHistory();

    FieldManifest big = fields.field(acme, id, 1000);
    FieldManifest small = fields.field(acme, id, 10);

    assertThat(small.budgetTokens()).isEqualTo(10);
    assertThat(big.budgetTokens()).isEqualTo(1000);
    assertThat(fields.cacheStats().hits()).isZero();
  }

  @Test
  void givenAStaleField_whenAskedAfterItsTtl_thenItIsRecomputed() {
    ContinuationId id = spawnWithHistory();
    FieldManifest first = fields.field(acme, id, 1000);

    clock.advance(FieldSettings.DEFAULTS.ttl().plusSeconds(1));
    FieldManifest again = fields.field(acme, id, 1000);

    assertThat(again).isNotSameAs(first);
    assertThat(again.assembledAt()).isAfter(first.assembledAt());
  }

  @Test
  void givenAnExtraChannel_whenTheFieldIsAsked_thenBothAreAskedAndItsVersionIsTheCorpusVersion() {
    ContinuationId id = spawnWithHistory();
    RecallChannel semantic =
        new RecallChannel() {
          @Override
          public String name() {
            return "semantic";
          }

          @Override
          public Channel kind() {
            return Channel.SEMANTIC;
          }

          @Override
          public String corpusVersion() {
            return "v7";
          }

          @Override
          public List<FieldCandidate> recall(FieldQuery query, int limit) {
            return List.of(
                FieldCandidate.of(
                    "doc#0",
                    Channel.SEMANTIC,
                    "choline chloride in dairy rations",
                    8,
                    Provenance.of("corpus", "doc"),
                    java.util.Map.of(FieldCandidate.BM25, 3.0, FieldCandidate.COSINE, 0.6)));
          }
        };
    try (var both = FieldServices.of(continuations, List.of(semantic), clock)) {
      FieldManifest field = both.field(acme, id, null);

      assertThat(field.corpusVersion()).isEqualTo("semantic=v7");
      assertThat(field.channels())
          .extracting(ChannelReport::name)
          .containsExactly("episodic", "human", "stream", "graph", "semantic");
      assertThat(field.items()).anyMatch(i -> i.channel() == Channel.SEMANTIC);
    }
  }

  @Test
  void givenAManifest_whenWritten_thenItIsCamelCaseJsonWithWireNames() {
    ContinuationId id = spawnWithHistory();

    var tree = Json.toTree(fields.field(acme, id, null));

    assertThat(tree.path("continuationId").asText()).isEqualTo(id.value());
    assertThat(tree.path("items").get(0).path("channel").asText()).isEqualTo("episodic");
    assertThat(tree.path("items").get(0).path("provenance").get(0).path("source").asText())
        .isEqualTo("event-log");
    assertThat(tree.path("channels").get(0).path("outcome").asText()).isEqualTo("answered");
  }

  @Test
  void givenAGoalFrameWithCriteria_whenTurnedIntoQueryText_thenTheCriteriaFollowTheObjective() {
    var goal =
        new dev.maestro.core.continuation.GoalFrame(
            "objective",
            null,
            null,
            null,
            null,
            dev.maestro.core.budget.BudgetLimits.ofUsd(BigDecimal.ONE, 0),
            null,
            List.of("cites trials", "under 500 words"),
            null,
            null,
            null,
            null);

    assertThat(FieldServices.goalText(goal)).isEqualTo("objective\ncites trials\nunder 500 words");
  }
}
