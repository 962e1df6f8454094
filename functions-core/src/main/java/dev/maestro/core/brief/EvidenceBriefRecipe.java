package dev.maestro.core.brief;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.api.DecisionInputJson;
import dev.maestro.core.budget.PriceTable;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.dispatch.DispatchFailedException;
import dev.maestro.core.dispatch.FailoverDispatch;
import dev.maestro.core.dispatch.ModelDispatch;
import dev.maestro.core.dispatch.TierRouting;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.field.FieldItem;
import dev.maestro.core.field.FieldManifest;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.Provenance;
import dev.maestro.core.json.Json;
import dev.maestro.core.metering.Metering;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionEvents;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.policy.StepKind;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Principal;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The evidence-brief recipe (BRIEF §9, §11): a researcher's question becomes a brief whose every
 * claim cites an item of the continuation's context field.
 *
 * <p>One tick per stage, each recorded: the field is assembled and the question planned into
 * sub-questions (a {@code plan} model call); each sub-question is answered from the field items
 * that bear on it (an {@code extract} call per sub-question); the answers are synthesised into a
 * summary (a {@code synthesize} call); the draft then waits for a human {@code approve} (published
 * to tag {@code brief} and returned as the result) or {@code redirect} (revised with the given
 * instructions, and waits again). Every model call is routed by the policy kernel (its {@code
 * decision} event recorded with its input), metered ({@code model_call} + {@code budget_charge})
 * and dispatched with failover; a kernel {@code terminate} ends the brief with what it has.
 *
 * <p>Goal-frame parameters: {@code subQuestions} (1..5, default 3), {@code approval} (default
 * true), {@code fieldTokens} (field budget, default 3,000), {@code sourcesPerAnswer} (default 6).
 */
public final class EvidenceBriefRecipe implements Recipe {

  /** The name goal frames select it by. */
  public static final String NAME = "evidence-brief";

  /** The tag an approved brief is published to. */
  public static final String PUBLISH_TAG = "brief";

  static final int MAX_REDIRECTS = 3;
  private static final int MAX_ANSWER_TOKENS = 600;
  private static final int MAX_PLAN_TOKENS = 300;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final FieldService fields;
  private final FailoverDispatch dispatch;
  private final TierRouting routing;
  private final PolicyStore policies;
  private final ShadowKernel kernel;
  private final PriceTable prices;

  public EvidenceBriefRecipe(
      FieldService fields,
      FailoverDispatch dispatch,
      TierRouting routing,
      PolicyStore policies,
      ShadowKernel kernel,
      PriceTable prices) {
    this.fields = Objects.requireNonNull(fields, "fields");
    this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
    this.routing = Objects.requireNonNull(routing, "routing");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.prices = Objects.requireNonNull(prices, "prices");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> parameterProblems(JsonNode parameters) {
    var problems = new TreeMap<String, String>();
    if (parameters == null || parameters.isNull() || parameters.isMissingNode()) return problems;
    if (!parameters.isObject()) {
      problems.put("", "must be a JSON object");
      return problems;
    }
    intIn(parameters, "subQuestions", 1, SubQuestions.MAX, problems);
    intIn(parameters, "fieldTokens", 200, FieldService.MAX_BUDGET_TOKENS, problems);
    intIn(parameters, "sourcesPerAnswer", 1, 20, problems);
    JsonNode approval = parameters.get("approval");
    if (approval != null && !approval.isBoolean())
      problems.put("approval", "must be true or false");
    parameters
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!Set.of("subQuestions", "fieldTokens", "sourcesPerAnswer", "approval")
                  .contains(name)) problems.put(name, "is not a parameter of " + NAME);
            });
    return problems;
  }

  @Override
  public StepResult step(StepContext context) {
    Continuation c = context.continuation();
    ObjectNode state =
        c.workingState() != null && c.workingState().isObject()
            ? ((ObjectNode) c.workingState()).deepCopy()
            : NODES.objectNode();
    String phase = state.path("phase").asText("start");
    return switch (phase) {
      case "start" -> plan(context, state);
      case "answering" -> answer(context, state);
      case "synthesizing" -> synthesize(context, state, null);
      case "awaiting_approval" -> review(context, state);
      default -> new StepResult.Fail("bad_state", "unknown brief phase " + phase);
    };
  }

  // ---- stages --------------------------------------------------------------------------------

  private StepResult plan(StepContext context, ObjectNode state) {
    Continuation c = context.continuation();
    JsonNode params = c.goalFrame().parameters();
    int fieldTokens = params.path("fieldTokens").asInt(3_000);
    FieldManifest field =
        fields.field(new Principal(c.tenant(), "recipe:" + NAME, Set.of()), c.id(), fieldTokens);
    ArrayNode items = state.putArray("field");
    for (FieldItem item : field.items()) {
      ObjectNode node = items.addObject().put("id", item.id()).put("text", item.text());
      ArrayNode provenance = node.putArray("provenance");
      for (Provenance p : item.provenance()) provenance.add(p.source() + ":" + p.uri());
    }
    state.put("corpusVersion", field.corpusVersion());

    String question = c.goalFrame().objective();
    int wanted = params.path("subQuestions").asInt(3);
    Call call =
        call(
            context,
            state,
            "plan",
            StepKind.PLAN,
            Branch.CONTINUE,
            "You plan evidence briefs. Split the question into at most "
                + wanted
                + " sub-questions that can each be answered from documents. Reply with one"
                + " numbered line per sub-question and nothing else.",
            question,
            MAX_PLAN_TOKENS);
    if (call.stop() != null) return call.stop();
    SubQuestions.Plan plan = SubQuestions.parse(question, call.text(), wanted);
    ArrayNode questions = state.putArray("subQuestions");
    plan.questions().forEach(questions::add);
    state.put("planOrigin", plan.origin());
    state.putArray("sections");
    state.put("phase", "answering");
    return next(context, state, "planned " + plan.questions().size() + " sub-questions");
  }

  private StepResult answer(StepContext context, ObjectNode state) {
    ArrayNode sections = (ArrayNode) state.get("sections");
    int index = sections.size();
    String subQuestion = state.path("subQuestions").path(index).asText();
    int perAnswer =
        context.continuation().goalFrame().parameters().path("sourcesPerAnswer").asInt(6);
    // A later sub-question is answered from evidence no earlier section used, when the field has
    // at least two such items bearing on it; otherwise from every item that bears on it.
    List<Source> all = fieldSources(state);
    Set<String> cited = citedSoFar(state);
    List<Source> fresh =
        bearingOn(
            subQuestion, all.stream().filter(s -> !cited.contains(s.id())).toList(), perAnswer);
    List<Source> sources = fresh.size() >= 2 ? fresh : bearingOn(subQuestion, all, perAnswer);
    ObjectNode section = NODES.objectNode().put("question", subQuestion);
    ArrayNode claims = section.putArray("claims");
    if (!sources.isEmpty()) {
      Call call =
          call(
              context,
              state,
              "answer-" + (index + 1),
              StepKind.EXTRACT,
              Branch.CONTINUE,
              "Answer the question only from the numbered sources. After every sentence cite the"
                  + " sources it rests on as [n]. Write nothing the sources do not say.",
              "Question: " + subQuestion + "\n\nSources:\n" + Citations.numbered(sources),
              MAX_ANSWER_TOKENS);
      if (call.stop() != null) return call.stop();
      Citations.Parsed parsed = Citations.parse(call.text(), ids(sources));
      distinct(parsed.claims()).forEach(claim -> claims.add(Json.toTree(claim)));
      state.put("dropped", state.path("dropped").asInt() + parsed.dropped());
      section.put("answeredBy", call.tier());
    }
    sections.add(section);
    if (sections.size() < state.path("subQuestions").size()) {
      return next(context, state, "answered sub-question " + (index + 1));
    }
    state.put("phase", "synthesizing");
    return next(context, state, "answered every sub-question");
  }

  private StepResult synthesize(StepContext context, ObjectNode state, String instructions) {
    String question = context.continuation().goalFrame().objective();
    // The synthesis sees the claims of the sections, each as a numbered source pointing back to
    // the field items it cites, so its citations map to field items too.
    List<Claim> sectionClaims = new ArrayList<>();
    for (JsonNode section : state.path("sections")) {
      for (JsonNode claim : section.path("claims"))
        sectionClaims.add(Json.convert(claim, Claim.class));
    }
    List<Claim> summary = new ArrayList<>();
    if (!sectionClaims.isEmpty()) {
      var claimSources = new ArrayList<Source>();
      for (int i = 0; i < sectionClaims.size(); i++) {
        claimSources.add(new Source("claim-" + i, sectionClaims.get(i).text(), List.of()));
      }
      String system =
          "Write the summary of an evidence brief from the numbered findings. After every"
              + " sentence cite the findings it rests on as [n]. Write nothing the findings do not"
              + " say.";
      if (instructions != null) system += " The reviewer asked: " + instructions;
      Call call =
          call(
              context,
              state,
              "synthesize-" + state.path("redirects").size(),
              StepKind.SYNTHESIZE,
              Branch.COMPLETE,
              system,
              "Question: " + question + "\n\nFindings:\n" + Citations.numbered(claimSources),
              MAX_ANSWER_TOKENS);
      if (call.stop() != null) return call.stop();
      Citations.Parsed parsed = Citations.parse(call.text(), ids(claimSources));
      state.put("dropped", state.path("dropped").asInt() + parsed.dropped());
      for (Claim claim : parsed.claims()) {
        // A summary sentence cites the field items its findings cite.
        var cited = new java.util.LinkedHashSet<String>();
        for (String id : claim.citations()) {
          cited.addAll(sectionClaims.get(Integer.parseInt(id.substring(6))).citations());
        }
        summary.add(new Claim(claim.text(), List.copyOf(cited)));
      }
    }
    ArrayNode summaryNode = state.putArray("summary");
    distinct(summary).forEach(claim -> summaryNode.add(Json.toTree(claim)));
    EvidenceBrief brief = brief(context, state, null);
    boolean approval =
        context.continuation().goalFrame().parameters().path("approval").asBoolean(true);
    if (!approval) return publish(context, state, brief);
    state.put("phase", "awaiting_approval");
    state.set("draft", Json.toTree(brief));
    return new StepResult.Sleep(
        new WakeCondition.Signal(Set.of("approve", "redirect")), "awaiting approval", state);
  }

  private StepResult review(StepContext context, ObjectNode state) {
    if (context.wake().kind() != WakeKind.SIGNAL) {
      return new StepResult.Sleep(
          new WakeCondition.Signal(Set.of("approve", "redirect")), "awaiting approval", state);
    }
    String by = context.wake().payload().path("by").asText("unknown");
    JsonNode body = context.wake().payload().path("body");
    if ("redirect".equals(context.wake().channel())) {
      ArrayNode redirects =
          state.has("redirects") ? (ArrayNode) state.get("redirects") : state.putArray("redirects");
      if (redirects.size() >= MAX_REDIRECTS) {
        return new StepResult.Sleep(
            new WakeCondition.Signal(Set.of("approve")),
            "awaiting approval (" + MAX_REDIRECTS + " revisions made)",
            state);
      }
      String instructions = body.path("instructions").asText(body.path("reason").asText(""));
      redirects.add(instructions);
      return synthesize(context, state, instructions.isBlank() ? null : instructions);
    }
    EvidenceBrief brief = brief(context, state, by);
    return publish(context, state, brief);
  }

  private StepResult publish(StepContext context, ObjectNode state, EvidenceBrief brief) {
    ObjectNode result = (ObjectNode) Json.toTree(brief);
    result.put("markdown", BriefMarkdown.render(brief));
    context.emit(new EventPayload.Published(PUBLISH_TAG, result));
    state.put("phase", "published");
    state.remove("draft");
    return new StepResult.Complete(result, state);
  }

  // ---- pieces --------------------------------------------------------------------------------

  private EvidenceBrief brief(StepContext context, ObjectNode state, String approvedBy) {
    Map<String, Source> field = new LinkedHashMap<>();
    for (Source s : fieldSources(state)) field.put(s.id(), s);
    var sections = new ArrayList<EvidenceBrief.Section>();
    var cited = new LinkedHashMap<String, Source>();
    List<Claim> summary = claims(state.path("summary"));
    summary.forEach(claim -> claim.citations().forEach(id -> cited.put(id, field.get(id))));
    for (JsonNode s : state.path("sections")) {
      List<Claim> claims = claims(s.path("claims"));
      claims.forEach(claim -> claim.citations().forEach(id -> cited.put(id, field.get(id))));
      sections.add(
          new EvidenceBrief.Section(
              s.path("question").asText(), claims, s.path("answeredBy").asText(null)));
    }
    cited.values().removeIf(Objects::isNull);
    var redirects = new ArrayList<String>();
    state.path("redirects").forEach(r -> redirects.add(r.asText()));
    var cost =
        new EvidenceBrief.Cost(
            new BigDecimal(state.path("spentUsd").asText("0")),
            new BigDecimal(state.path("listPriceUsd").asText("0")),
            state.path("modelCalls").asInt(),
            state.path("tokensIn").asLong(),
            state.path("tokensOut").asLong());
    return new EvidenceBrief(
        context.continuation().goalFrame().objective(),
        state.path("planOrigin").asText("template"),
        summary,
        sections,
        List.copyOf(cited.values()),
        state.path("dropped").asInt(),
        cost,
        approvedBy,
        redirects);
  }

  /** The outcome of a routed model call: its text and tier, or the step result that stops here. */
  private record Call(String text, String tier, StepResult stop) {}

  private Call call(
      StepContext context,
      ObjectNode state,
      String purpose,
      StepKind kind,
      Branch intent,
      String system,
      String user,
      int maxTokens) {
    Continuation c = context.continuation();
    TenantPolicy policy = policies.policyFor(c.tenant());
    long contextTokens = (system.length() + user.length()) / 4;
    Tier base = policy.document().tiers().of(kind);
    DecisionInput input =
        DecisionInput.builder(c.tenant(), context.now(), c.budget())
            .status(Status.RUNNING)
            .estimatedStepUsd(listPrice(c, base.wire(), contextTokens, maxTokens))
            .stepKind(kind)
            .contextTokens(contextTokens)
            .requiredDepth(kind == StepKind.SYNTHESIZE ? 2 : 1)
            .intent(intent)
            .preferredRuntime(Runtime.MAESTRO)
            .policyClass(c.goalFrame().policyClass())
            .deadline(c.goalFrame().deadline())
            .build();
    ShadowKernel.Shadowed shadowed = kernel.decide(input, policy);
    Decision decision = shadowed.decision();
    context.emit(DecisionEvents.of(decision, DecisionInputJson.write(input), shadowed.shadow()));
    if (decision.action() == Action.TERMINATE) {
      state.put("phase", "published");
      return new Call(null, null, stopWith(context, state, decision.rationale()));
    }
    if (decision.action() != Action.PROCEED) {
      var at = decision.deferUntil() != null ? decision.deferUntil() : context.now();
      return new Call(
          null,
          null,
          new StepResult.Sleep(context.timerAt(at), "deferred: " + decision.rationale(), state));
    }
    String tier = decision.tier().wire();
    String callId = "brief-" + c.lastSequence() + "-" + purpose;
    var request =
        new ModelDispatch.Request(
            callId,
            tier,
            system,
            List.of(new ModelDispatch.Message("user", user)),
            maxTokens,
            List.of());
    ModelDispatch.Response response;
    try {
      response = dispatch.call(c.tenant(), request);
    } catch (DispatchFailedException e) {
      context.emit(new EventPayload.Failed("dispatch_failed", e.getMessage(), false));
      return new Call(
          null,
          null,
          new StepResult.Sleep(
              context.timerAt(context.now().plusSeconds(30)),
              "model dispatch failed; retrying",
              state));
    }
    Metering.Metered metered = Metering.events(callId, tier, response, prices, Runtime.MAESTRO);
    context.emit(metered.modelCall());
    context.emit(metered.charge());
    state.put("modelCalls", state.path("modelCalls").asInt() + 1);
    state.put("tokensIn", state.path("tokensIn").asLong() + response.tokensIn());
    state.put("tokensOut", state.path("tokensOut").asLong() + response.tokensOut());
    BigDecimal list =
        new BigDecimal(state.path("listPriceUsd").asText("0"))
            .add(listPrice(c, tier, response.tokensIn(), response.tokensOut()));
    state.put("listPriceUsd", list.toPlainString());
    state.put(
        "spentUsd",
        new BigDecimal(state.path("spentUsd").asText("0"))
            .add(metered.charge().usd())
            .toPlainString());
    return new Call(response.text(), tier, null);
  }

  /**
   * What {@code tokensIn}/{@code tokensOut} cost at the list price of the first priced model the
   * tier routes to for the tenant (the offline provider's own price is zero).
   */
  private BigDecimal listPrice(Continuation c, String tier, long tokensIn, long tokensOut) {
    for (TierRouting.Route route : routing.routes(c.tenant(), tier)) {
      if (prices.priced(route.provider(), route.modelId())) {
        return prices.cost(route.provider(), route.modelId(), tokensIn, tokensOut);
      }
    }
    return BigDecimal.ZERO.setScale(PriceTable.COST_SCALE, RoundingMode.UNNECESSARY);
  }

  private StepResult stopWith(StepContext context, ObjectNode state, String why) {
    EvidenceBrief brief = brief(context, state, null);
    ObjectNode result = (ObjectNode) Json.toTree(brief);
    result.put("stopped", why);
    result.put("markdown", BriefMarkdown.render(brief));
    return new StepResult.Complete(result, state);
  }

  private static StepResult next(StepContext context, ObjectNode state, String reason) {
    return new StepResult.Sleep(context.timerAt(context.now()), reason, state);
  }

  private static List<Source> fieldSources(ObjectNode state) {
    var out = new ArrayList<Source>();
    for (JsonNode item : state.path("field")) {
      var provenance = new ArrayList<String>();
      item.path("provenance").forEach(p -> provenance.add(p.asText()));
      out.add(new Source(item.path("id").asText(), item.path("text").asText(), provenance));
    }
    return out;
  }

  /** The ids of the field items the sections written so far cite. */
  private static Set<String> citedSoFar(ObjectNode state) {
    var cited = new java.util.HashSet<String>();
    for (JsonNode section : state.path("sections")) {
      for (JsonNode claim : section.path("claims")) {
        claim.path("citations").forEach(id -> cited.add(id.asText()));
      }
    }
    return cited;
  }

  /**
   * The field items that bear on {@code question}: those sharing the most distinct words with it
   * (ties in field order, which is score order), at most {@code limit}; none when no item shares a
   * word.
   */
  static List<Source> bearingOn(String question, List<Source> sources, int limit) {
    Set<String> asked = words(question);
    record Scored(Source source, int order, long overlap) {}
    var scored = new ArrayList<Scored>();
    for (int i = 0; i < sources.size(); i++) {
      long overlap = words(sources.get(i).text()).stream().filter(asked::contains).count();
      if (overlap > 0) scored.add(new Scored(sources.get(i), i, overlap));
    }
    scored.sort(
        java.util.Comparator.comparingLong(Scored::overlap)
            .reversed()
            .thenComparingInt(Scored::order));
    return scored.stream().limit(limit).map(Scored::source).toList();
  }

  private static final Set<String> STOP =
      Set.of(
          "the",
          "a",
          "an",
          "and",
          "or",
          "of",
          "to",
          "in",
          "on",
          "for",
          "is",
          "are",
          "was",
          "be",
          "what",
          "which",
          "who",
          "how",
          "does",
          "do",
          "about",
          "evidence",
          "supports",
          "qualifies",
          "contradicts",
          "remains",
          "open",
          "uncertain",
          "with",
          "by",
          "as",
          "at",
          "it",
          "that",
          "this",
          "from",
          "may",
          "can");

  private static Set<String> words(String text) {
    var out = new java.util.HashSet<String>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() > 2 && !STOP.contains(w)) out.add(w);
    }
    return out;
  }

  /** {@code claims} without repeats of an earlier claim's text (the first one is kept). */
  private static List<Claim> distinct(List<Claim> claims) {
    var seen = new java.util.HashSet<String>();
    return claims.stream().filter(c -> seen.add(c.text())).toList();
  }

  private static List<String> ids(List<Source> sources) {
    return sources.stream().map(Source::id).toList();
  }

  private static List<Claim> claims(JsonNode node) {
    var out = new ArrayList<Claim>();
    for (JsonNode claim : node) out.add(Json.convert(claim, Claim.class));
    return out;
  }

  private static void intIn(
      JsonNode parameters, String name, int min, int max, Map<String, String> problems) {
    JsonNode v = parameters.get(name);
    if (v == null) return;
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      problems.put(name, "must be an integer between " + min + " and " + max);
    }
  }
}
