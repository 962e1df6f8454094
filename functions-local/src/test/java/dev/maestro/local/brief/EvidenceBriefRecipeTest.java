package dev.maestro.local.brief;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import dev.maestro.core.brief.Claim;
import dev.maestro.core.brief.EvidenceBrief;
import dev.maestro.core.brief.EvidenceBriefRecipe;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.LocalProvider;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.EventType;
import dev.maestro.core.field.Channel;
import dev.maestro.core.field.FieldCandidate;
import dev.maestro.core.field.FieldQuery;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.field.Provenance;
import dev.maestro.core.field.RecallChannel;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence-brief recipe end to end on the embedded runtime (SQLite store, real tick engine,
 * rules kernel, failover dispatch answered offline by the local provider, a context field over a
 * small passage channel): a question becomes a cited draft, waits for approval, and is published.
 */
class EvidenceBriefRecipeTest {

  private static final TenantId TENANT = TenantId.of("lab");
  private static final Principal RESEARCHER = new Principal(TENANT, "ada", Set.of());
  private static final String QUESTION =
      "What does the GNU General Public License require of people who distribute modified"
          + " versions?";

  /** Passages paraphrasing the licence texts shipped with the field corpus. */
  private static final List<String> PASSAGES =
      List.of(
          "The GNU General Public License requires that anyone who distributes a modified version"
              + " license the whole work under the same license. Modified versions must carry"
              + " prominent notices stating that they were changed.",
          "When you distribute object code under the GNU General Public License you must also"
              + " make the corresponding source code available to recipients.",
          "The Apache License grants a patent license from each contributor. Redistributions must"
              + " include a copy of the license and a NOTICE file when one exists.",
          "The MIT license permits use, copying, modification and distribution provided the"
              + " copyright notice and permission notice are included.",
          "The GNU Lesser General Public License lets proprietary programs link to a library while"
              + " modifications of the library itself stay under the same license.",
          "Distributors may charge a fee for conveying copies but may not impose further"
              + " restrictions on the rights granted by the General Public License.");

  @TempDir Path dir;
  private LocalRuntime runtime;

  @BeforeEach
  void start() {
    var fields = new AtomicReference<FieldService>();
    FailoverDispatch dispatch =
        new FailoverDispatch(
            TierRouting.standard()
                .withLastResort(new TierRouting.Route(LocalProvider.NAME, LocalProvider.MODEL_ID)),
            List.of(new LocalProvider()),
            3,
            Duration.ofSeconds(30),
            Clock.systemUTC());
    var recipe =
        new EvidenceBriefRecipe(
            (caller, id, budget) -> fields.get().field(caller, id, budget),
            dispatch,
            TierRouting.standard(),
            TenantPolicy::defaults,
            ShadowKernel.rulesOnly(),
            PriceTable.defaultTable());
    runtime =
        LocalRuntime.start(
            LocalConfig.defaults(dir).withWorkers(2),
            Observability.NONE,
            Recipes.of(new NoopRecipe(), recipe));
    fields.set(FieldServices.of(runtime.service(), List.of(new Passages()), Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void givenAQuestion_whenApproved_thenTheBriefIsPublishedWithEveryClaimCitingAFieldItem()
      throws Exception {
    ContinuationId id = create(JsonNodeFactory.instance.objectNode());

    Continuation waiting = await(id, c -> phase(c).equals("awaiting_approval"));
    assertThat(waiting.status()).isEqualTo(Status.WAITING);
    EvidenceBrief draft = Json.convert(waiting.workingState().get("draft"), EvidenceBrief.class);
    assertThat(draft.approvedBy()).isNull();
    assertThat(draft.sections()).hasSize(3);
    assertThat(draft.planOrigin()).isEqualTo("template");
    assertThat(draft.claims()).isNotEmpty();

    runtime
        .service()
        .signal(RESEARCHER, id, "approve", JsonNodeFactory.instance.objectNode(), "ok-1");
    Continuation done = await(id, c -> c.status() == Status.COMPLETED);

    assertThat(
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("classpath:brief/evidence-brief.schema.json"))
                .validate(done.result()))
        .isEmpty();
    EvidenceBrief brief = Json.convert(done.result(), EvidenceBrief.class);
    assertThat(brief.approvedBy()).isEqualTo("ada");
    Set<String> sourceIds = new HashSet<>();
    brief.sources().forEach(s -> sourceIds.add(s.id()));
    for (Claim claim : brief.claims()) {
      assertThat(claim.citations()).isNotEmpty();
      assertThat(sourceIds).containsAll(claim.citations());
    }
    // every cited source is a passage the field offered, with its provenance
    assertThat(brief.sources())
        .allSatisfy(
            s -> {
              assertThat(PASSAGES).anyMatch(p -> p.contains(s.text().strip()));
              assertThat(s.provenance()).singleElement().asString().startsWith("licences:");
            });
    assertThat(brief.summary()).isNotEmpty();
    assertThat(done.result().path("markdown").asText())
        .startsWith("# " + QUESTION)
        .contains("## Summary", "## Sources", "Approved by ada");

    // Forked: one child per sub-question, each answering from its own field and publishing.
    assertThat(done.lineage().children()).hasSize(3);
    for (ContinuationId child : done.lineage().children()) {
      Continuation answered = runtime.service().get(RESEARCHER, child).continuation();
      assertThat(answered.status()).isEqualTo(Status.COMPLETED);
      assertThat(answered.lineage().parents()).containsExactly(id);
      assertThat(draft.sections().stream().map(EvidenceBrief.Section::question))
          .contains(answered.goalFrame().objective());
      List<EventEnvelope> childLog = log(child);
      assertThat(count(childLog, EventType.MODEL_CALL)).isEqualTo(1);
      assertThat(count(childLog, EventType.PUBLISH)).isEqualTo(1);
      // the carve is recorded in the parent and bounds the child
      assertThat(answered.budget().limits().maxUsd()).isLessThan(new BigDecimal("0.50"));
    }
    List<EventEnvelope> log = log(id);
    assertThat(count(log, EventType.FORK)).isEqualTo(3);
    assertThat(count(log, EventType.MODEL_CALL)).isEqualTo(2); // plan, synthesis
    assertThat(count(log, EventType.DECISION)).isEqualTo(3); // plan, fork, synthesis
    assertThat(count(log, EventType.WAKE)).isGreaterThanOrEqualTo(5); // start, 3 publishes, approve
    assertThat(brief.cost().modelCalls()).isEqualTo(5); // the whole tree
    assertThat(brief.cost().usd()).isZero(); // offline
    assertThat(brief.cost().listPriceUsd()).isPositive().isLessThan(new BigDecimal("0.50"));
    assertThat(log)
        .filteredOn(e -> e.payload() instanceof EventPayload.ModelCall)
        .allSatisfy(
            e -> {
              var call = (EventPayload.ModelCall) e.payload();
              assertThat(call.provider()).isEqualTo(LocalProvider.NAME);
              assertThat(call.failover()).isNotEmpty(); // the tier's cloud routes were skipped
            });
    assertThat(log)
        .filteredOn(e -> e.payload() instanceof EventPayload.Published)
        .singleElement()
        .satisfies(
            e -> assertThat(((EventPayload.Published) e.payload()).tag()).isEqualTo("brief"));
  }

  @Test
  void givenForkingOff_whenRun_thenOneContinuationAnswersEverySubQuestionItself() throws Exception {
    ContinuationId id =
        create(JsonNodeFactory.instance.objectNode().put("fork", false).put("approval", false));
    Continuation done = await(id, c -> c.status().isTerminal());
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(done.lineage().children()).isEmpty();
    EvidenceBrief brief = Json.convert(done.result(), EvidenceBrief.class);
    assertThat(brief.sections()).hasSize(3);
    List<EventEnvelope> log = log(id);
    long calls = count(log, EventType.MODEL_CALL);
    assertThat(calls).isEqualTo(5); // plan, three answers, synthesis
    assertThat(count(log, EventType.DECISION)).isEqualTo(calls);
    assertThat(count(log, EventType.BUDGET_CHARGE)).isEqualTo(calls);
    assertThat(brief.cost().modelCalls()).isEqualTo(5);
  }

  @Test
  void givenADraft_whenRedirected_thenItIsRevisedAndWaitsAgain() throws Exception {
    ContinuationId id = create(JsonNodeFactory.instance.objectNode());
    await(id, c -> phase(c).equals("awaiting_approval"));

    var body = JsonNodeFactory.instance.objectNode().put("instructions", "focus on source code");
    runtime.service().signal(RESEARCHER, id, "redirect", body, "redirect-1");
    Continuation revised =
        await(
            id,
            c ->
                phase(c).equals("awaiting_approval")
                    && c.workingState().path("redirects").size() == 1);
    assertThat(count(log(id), EventType.MODEL_CALL)).isEqualTo(3); // plan, synthesis, revision

    runtime
        .service()
        .signal(RESEARCHER, id, "approve", JsonNodeFactory.instance.objectNode(), "ok-2");
    Continuation done = await(id, c -> c.status() == Status.COMPLETED);
    assertThat(done.result().path("redirects").get(0).asText()).isEqualTo("focus on source code");
    assertThat(revised.wakeCondition()).isNotNull();
  }

  @Test
  void givenNoApprovalAsked_whenRun_thenItPublishesWithoutWaiting() throws Exception {
    ContinuationId id =
        create(JsonNodeFactory.instance.objectNode().put("approval", false).put("subQuestions", 2));
    Continuation done = await(id, c -> c.status().isTerminal());
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    EvidenceBrief brief = Json.convert(done.result(), EvidenceBrief.class);
    assertThat(brief.sections()).hasSize(2);
    assertThat(brief.approvedBy()).isNull();
  }

  @Test
  void givenBadParameters_thenTheRecipeNamesEachOne() {
    var recipe =
        new EvidenceBriefRecipe(
            (caller, cid, budget) -> null,
            dispatchForProblems(),
            TierRouting.standard(),
            TenantPolicy::defaults,
            ShadowKernel.rulesOnly(),
            PriceTable.defaultTable());
    var params =
        JsonNodeFactory.instance
            .objectNode()
            .put("subQuestions", 9)
            .put("approval", "yes")
            .put("colour", "red");
    assertThat(recipe.parameterProblems(params))
        .containsOnlyKeys("subQuestions", "approval", "colour");
    assertThat(recipe.parameterProblems(JsonNodeFactory.instance.objectNode())).isEmpty();
  }

  private static FailoverDispatch dispatchForProblems() {
    return new FailoverDispatch(
        TierRouting.standard(), List.of(), 3, Duration.ofSeconds(30), Clock.systemUTC());
  }

  private ContinuationId create(JsonNode parameters) {
    var goal =
        new GoalFrame(
            QUESTION,
            "researchers",
            null,
            List.of(),
            List.of(),
            BudgetLimits.ofUsd(new BigDecimal("1.00"), 500_000),
            null,
            List.of("every claim cites a source"),
            null,
            null,
            EvidenceBriefRecipe.NAME,
            parameters);
    return runtime.service().create(RESEARCHER, goal, null).continuation().id();
  }

  private Continuation await(ContinuationId id, Predicate<Continuation> until) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      Continuation c = runtime.service().get(RESEARCHER, id).continuation();
      if (until.test(c)) return c;
      if (c.status().isTerminal() && !until.test(c)) {
        throw new AssertionError("ended " + c.status() + ": " + log(id));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("timed out; log: " + log(id));
  }

  private static String phase(Continuation c) {
    return c.workingState() == null ? "" : c.workingState().path("phase").asText("");
  }

  private List<EventEnvelope> log(ContinuationId id) {
    return runtime.substrate().events().read(TENANT, id, 0, 1_000);
  }

  private static long count(List<EventEnvelope> log, EventType type) {
    return log.stream().filter(e -> e.type() == type).count();
  }

  /** A semantic channel over the passages: those sharing a word with the query, by overlap. */
  private static final class Passages implements RecallChannel {
    @Override
    public String name() {
      return "licences";
    }

    @Override
    public Channel kind() {
      return Channel.SEMANTIC;
    }

    @Override
    public List<FieldCandidate> recall(FieldQuery query, int limit) {
      Set<String> asked = words(query.goalFrame());
      var out = new ArrayList<FieldCandidate>();
      for (int i = 0; i < PASSAGES.size(); i++) {
        String text = PASSAGES.get(i);
        long overlap = words(text).stream().filter(asked::contains).count();
        if (overlap == 0) continue;
        out.add(
            FieldCandidate.of(
                "passage-" + i,
                Channel.SEMANTIC,
                text,
                text.split("\\s+").length,
                Provenance.of("licences", "passage-" + i),
                Map.of(FieldCandidate.BM25, (double) overlap)));
      }
      return out.subList(0, Math.min(limit, out.size()));
    }

    private static Set<String> words(String text) {
      var out = new HashSet<String>();
      for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+"))
        if (w.length() > 3) out.add(w);
      return out;
    }
  }
}
