package dev.maestro.core.brief;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.api.DecisionInputJson;
import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
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
  static final String ROLE_ANSWER = "answer";
  private static final Set<String> PARAMETERS =
      Set.of(
          "subQuestions", "fieldTokens", "sourcesPerAnswer", "approval", "fork", "collectSeconds");
  private static final String ANSWER_SYSTEM =
      "Answer the question only from the numbered sources. After every sentence cite the sources"
          + " it rests on as [n]. Write nothing the sources do not say.";
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
              if (!PARAMETERS.contains(name)) {
                problems.put(name, "is not a parameter of " + NAME);
              }
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
    if (ROLE_ANSWER.equals(c.goalFrame().parameters().path("role").asText())) {
      return answerAsChild(context);
    }
    // A forked child's answer may arrive in any phase while answers are pending.
    if (context.wake().kind() == WakeKind.PUBLISH
        && tag(c).equals(context.wake().payload().path("tag").asText())) {
      record(state, context.wake().payload());
    }
    String phase = state.path("phase").asText("start");
    return switch (phase) {
      case "start" -> plan(context, state);
      case "answering" -> answer(context, state);
      case "collecting" -> collect(context, state);
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
    ArrayNode sections = state.putArray("sections");
    for (String q : plan.questions()) sections.addObject().put("question", q).put("pending", true);
    state.put("phase", "answering");
    int forked = params.path("fork").asBoolean(true) ? fork(context, state, call.tier()) : 0;
    return next(
        context,
        state,
        "planned "
            + plan.questions().size()
            + " sub-questions"
            + (forked > 0 ? ", forked " + forked : ""));
  }

  /**
   * Forks a child per sub-question, as many as the policy kernel allows (a {@code fork} decision),
   * each with a share of the budget left; returns how many. The children answer from their own
   * context field and publish to this brief's tag; sub-questions not forked are answered here.
   */
  private int fork(StepContext context, ObjectNode state, String planTier) {
    Continuation c = context.continuation();
    int n = state.path("subQuestions").size();
    if (n < 2) return 0;
    Decision decision =
        decide(context, StepKind.PLAN, Branch.FORK, n, 0, BigDecimal.ZERO).decision();
    if (decision.action() != Action.PROCEED
        || decision.branch() != Branch.FORK
        || decision.forkCount() < 1) {
      return 0;
    }
    int k = Math.min(n, decision.forkCount());
    Budget left = context.budget();
    BigDecimal share = left.remainingUsd().divide(BigDecimal.valueOf(k + 1L), 6, RoundingMode.DOWN);
    long tokens = c.budget().limits().maxTokens() == 0 ? 0 : left.remainingTokens() / (k + 1L);
    if (share.signum() <= 0 || (c.budget().limits().maxTokens() != 0 && tokens <= 0)) return 0;
    String tag = tag(c);
    JsonNode params = c.goalFrame().parameters();
    for (int i = 0; i < k; i++) {
      ObjectNode childParams =
          NODES
              .objectNode()
              .put("role", ROLE_ANSWER)
              .put("index", i)
              .put("tag", tag)
              .put("fieldTokens", params.path("fieldTokens").asInt(3_000))
              .put("sourcesPerAnswer", params.path("sourcesPerAnswer").asInt(6));
      var child =
          context.fork(
              BudgetLimits.ofUsd(share, tokens),
              state.path("subQuestions").path(i).asText(),
              childParams);
      ((ObjectNode) state.path("sections").get(i)).put("by", child.value());
    }
    state.put(
        "collectBy",
        context.now().plusSeconds(params.path("collectSeconds").asLong(600)).toString());
    state.put("collectTimer", "collect-" + c.lastSequence());
    return k;
  }

  /** The tag this brief's children publish their answers to. */
  static String tag(Continuation c) {
    return "brief-answers:" + c.id().value();
  }

  /** Waits for the children's answers, or the collection deadline. */
  private static StepResult awaitChildren(Continuation c, ObjectNode state) {
    var deadline =
        new WakeCondition.Timer(
            state.path("collectTimer").asText(),
            java.time.Instant.parse(state.path("collectBy").asText()));
    return new StepResult.Sleep(
        new WakeCondition.AnyOf(List.of(new WakeCondition.Publish(tag(c)), deadline)),
        "waiting for " + pending(state) + " forked answer(s)",
        state);
  }

  private static int pending(ObjectNode state) {
    int n = 0;
    for (JsonNode s : state.path("sections")) if (s.path("pending").asBoolean(false)) n++;
    return n;
  }

  /** Records a child's published answer; synthesises once none is pending or at the deadline. */
  private StepResult collect(StepContext context, ObjectNode state) {
    var wake = context.wake();
    if (wake.kind() == WakeKind.TIMER && wake.id().equals(state.path("collectTimer").asText())) {
      for (JsonNode s : state.path("sections")) {
        if (s.path("pending").asBoolean(false)) {
          ((ObjectNode) s).put("pending", false).put("answeredBy", "nobody before the deadline");
          ((ObjectNode) s).putArray("claims");
        }
      }
    }
    if (pending(state) > 0) return awaitChildren(context.continuation(), state);
    state.put("phase", "synthesizing");
    return synthesize(context, state, null);
  }

  /**
   * Records a forked child's published answer, once, and only from the child forked for that
   * sub-question (another continuation publishing to the tag changes nothing).
   */
  private static void record(ObjectNode state, JsonNode payload) {
    JsonNode answer = payload.path("content");
    int index = answer.path("index").asInt(-1);
    JsonNode section = state.path("sections").path(index);
    if (section.isObject()
        && section.path("pending").asBoolean(false)
        && section.path("by").asText().equals(payload.path("publisher").asText())) {
      ObjectNode s = (ObjectNode) section;
      s.set("claims", answer.path("claims").deepCopy());
      if (answer.hasNonNull("answeredBy")) s.put("answeredBy", answer.path("answeredBy").asText());
      s.put("pending", false);
      ArrayNode field = (ArrayNode) state.get("field");
      var known = new java.util.HashSet<String>();
      field.forEach(item -> known.add(item.path("id").asText()));
      for (JsonNode source : answer.path("sources")) {
        if (known.add(source.path("id").asText())) field.add(source.deepCopy());
      }
      JsonNode cost = answer.path("cost");
      add(state, "spentUsd", cost.path("usd"));
      add(state, "listPriceUsd", cost.path("listPriceUsd"));
      state.put("modelCalls", state.path("modelCalls").asInt() + cost.path("modelCalls").asInt());
      state.put("tokensIn", state.path("tokensIn").asLong() + cost.path("tokensIn").asLong());
      state.put("tokensOut", state.path("tokensOut").asLong() + cost.path("tokensOut").asLong());
      state.put("dropped", state.path("dropped").asInt() + answer.path("dropped").asInt());
    }
  }

  private static void add(ObjectNode state, String name, JsonNode usd) {
    if (!usd.isMissingNode() && !usd.isNull()) {
      state.put(
          name,
          new BigDecimal(state.path(name).asText("0")).add(usd.decimalValue()).toPlainString());
    }
  }

  /**
   * A forked child's one step: assemble its own field for its sub-question (its objective), answer
   * from the items that bear on it, publish the cited answer to the parent's tag, and complete.
   */
  private StepResult answerAsChild(StepContext context) {
    Continuation c = context.continuation();
    JsonNode params = c.goalFrame().parameters();
    ObjectNode state = NODES.objectNode();
    FieldManifest field =
        fields.field(
            new Principal(c.tenant(), "recipe:" + NAME, Set.of()),
            c.id(),
            params.path("fieldTokens").asInt(3_000));
    var items = new ArrayList<Source>();
    for (FieldItem item : field.items()) {
      var provenance = new ArrayList<String>();
      for (Provenance p : item.provenance()) provenance.add(p.source() + ":" + p.uri());
      items.add(new Source(item.id(), item.text(), provenance));
    }
    String question = c.goalFrame().objective();
    List<Source> sources = bearingOn(question, items, params.path("sourcesPerAnswer").asInt(6));
    ObjectNode answer =
        NODES.objectNode().put("index", params.path("index").asInt()).put("question", question);
    answer.put("continuation", c.id().value());
    ArrayNode claims = answer.putArray("claims");
    ArrayNode cited = answer.putArray("sources");
    if (!sources.isEmpty()) {
      Call call =
          call(
              context,
              state,
              "answer",
              StepKind.EXTRACT,
              Branch.COMPLETE,
              ANSWER_SYSTEM,
              "Question: " + question + "\n\nSources:\n" + Citations.numbered(sources),
              MAX_ANSWER_TOKENS);
      if (call.stop() != null) return call.stop();
      Citations.Parsed parsed = Citations.parse(call.text(), ids(sources));
      var used = new java.util.LinkedHashSet<String>();
      for (Claim claim : distinct(parsed.claims())) {
        claims.add(Json.toTree(claim));
        used.addAll(claim.citations());
      }
      for (Source s : sources) if (used.contains(s.id())) cited.add(Json.toTree(s));
      answer.put("answeredBy", call.tier());
      answer.put("dropped", parsed.dropped());
    }
    answer
        .putObject("cost")
        .put("usd", new BigDecimal(state.path("spentUsd").asText("0")))
        .put("listPriceUsd", new BigDecimal(state.path("listPriceUsd").asText("0")))
        .put("listPriceCapUsd", new BigDecimal(state.path("listPriceCapUsd").asText("0")))
        .put("modelCalls", state.path("modelCalls").asInt())
        .put("tokensIn", state.path("tokensIn").asLong())
        .put("tokensOut", state.path("tokensOut").asLong());
    context.emit(new EventPayload.Published(params.path("tag").asText(), answer));
    return new StepResult.Complete(answer, state);
  }

  private StepResult answer(StepContext context, ObjectNode state) {
    ArrayNode sections = (ArrayNode) state.get("sections");
    int index = -1;
    for (int i = 0; i < sections.size(); i++) {
      JsonNode s = sections.get(i);
      if (s.path("pending").asBoolean(false) && !s.has("by")) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      if (pending(state) > 0) {
        state.put("phase", "collecting");
        return awaitChildren(context.continuation(), state);
      }
      state.put("phase", "synthesizing");
      return next(context, state, "answered every sub-question");
    }
    ObjectNode section = (ObjectNode) sections.get(index);
    String subQuestion = section.path("question").asText();
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
    ArrayNode claims = section.putArray("claims");
    if (!sources.isEmpty()) {
      Call call =
          call(
              context,
              state,
              "answer-" + (index + 1),
              StepKind.EXTRACT,
              Branch.CONTINUE,
              ANSWER_SYSTEM,
              "Question: " + subQuestion + "\n\nSources:\n" + Citations.numbered(sources),
              MAX_ANSWER_TOKENS);
      if (call.stop() != null) return call.stop();
      Citations.Parsed parsed = Citations.parse(call.text(), ids(sources));
      distinct(parsed.claims()).forEach(claim -> claims.add(Json.toTree(claim)));
      state.put("dropped", state.path("dropped").asInt() + parsed.dropped());
      section.put("answeredBy", call.tier());
    }
    section.put("pending", false);
    return next(context, state, "answered sub-question " + (index + 1));
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
            new BigDecimal(state.path("listPriceCapUsd").asText("0")),
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

  /**
   * Asks the policy kernel (rules, with the learned policy in shadow) about the next step and
   * records the decision with its input. {@code forkCount} is the number of sub-goals when {@code
   * intent} is a fork.
   */
  private ShadowKernel.Shadowed decide(
      StepContext context,
      StepKind kind,
      Branch intent,
      int forkCount,
      long contextTokens,
      BigDecimal estimatedUsd) {
    Continuation c = context.continuation();
    TenantPolicy policy = policies.policyFor(c.tenant());
    DecisionInput.Builder builder =
        DecisionInput.builder(c.tenant(), context.now(), context.budget())
            .status(Status.RUNNING)
            .estimatedStepUsd(estimatedUsd)
            .stepKind(kind)
            .contextTokens(contextTokens)
            .requiredDepth(kind == StepKind.SYNTHESIZE ? 2 : 1)
            .preferredRuntime(Runtime.MAESTRO)
            .policyClass(c.goalFrame().policyClass())
            .deadline(c.goalFrame().deadline())
            // A frozen tenant's kernel answers stop: the brief spends nothing more.
            .complianceFreeze(policy.frozen());
    if (intent == Branch.FORK) builder.fork(forkCount);
    else builder.intent(intent);
    DecisionInput input = builder.build();
    ShadowKernel.Shadowed shadowed = kernel.decide(input, policy);
    context.emit(
        DecisionEvents.of(shadowed.decision(), DecisionInputJson.write(input), shadowed.shadow()));
    return shadowed;
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
    long contextTokens = (system.length() + user.length()) / 4;
    Tier base = policies.policyFor(c.tenant()).document().tiers().of(kind);
    Decision decision =
        decide(
                context,
                kind,
                intent,
                0,
                contextTokens,
                listPrice(c, base.wire(), contextTokens, maxTokens))
            .decision();
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
    // The bound a real run stays under: the prompt at ~4 characters a token (or the provider's
    // own count, if larger) and the whole output cap, at the routed model's list price.
    long promptTokens = Math.max(response.tokensIn(), contextTokens);
    state.put(
        "listPriceCapUsd",
        new BigDecimal(state.path("listPriceCapUsd").asText("0"))
            .add(listPrice(c, tier, promptTokens, maxTokens))
            .toPlainString());
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

  /**
   * Continues at once in the next tick; while forked answers are pending, also on an answer (so
   * none published meanwhile passes this continuation by).
   */
  private static StepResult next(StepContext context, ObjectNode state, String reason) {
    WakeCondition.Timer now = context.timerAt(context.now());
    if (pending(state) > 0 && state.has("collectTimer")) {
      return new StepResult.Sleep(
          new WakeCondition.AnyOf(
              List.of(new WakeCondition.Publish(tag(context.continuation())), now)),
          reason,
          state);
    }
    return new StepResult.Sleep(now, reason, state);
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
