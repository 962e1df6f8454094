package dev.maestro.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.FrozenException;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.MaestroException;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.field.FieldManifest;
import dev.maestro.core.field.FieldService;
import dev.maestro.core.field.FieldServices;
import dev.maestro.core.json.Json;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.lifecycle.CreateResult;
import dev.maestro.core.lifecycle.LineageView;
import dev.maestro.core.policy.DecisionEvents;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.InMemoryPolicyStore;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.PolicyKernel;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.ratelimit.TenantRateLimiter;
import dev.maestro.core.tick.Recipes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP API without a server: routes a transport-neutral {@link ApiRequest} to the {@link
 * ContinuationService} (fork, merge and lineage included; or, for {@code POST /decide}, the {@link
 * PolicyKernel}; for {@code GET /fields/{id}}, the {@link FieldService}) and renders the result or
 * the failure ({@code application/problem+json}). The local server, API Gateway handlers and Azure
 * HTTP triggers all delegate here, so the API behaves identically everywhere.
 *
 * <p>Invariants: the tenant comes only from the verified bearer token; every input is validated in
 * full before any write, so a rejected request changes nothing; no input produces a 5xx (an
 * unexpected exception becomes a bare 500 problem and is logged). {@link #handle} never throws.
 *
 * <p>The tenant daily cap (BRIEF §9) is enforced here, at ingress: once the tenant's spend for the
 * current UTC day (settled plus reserved) is at its daily cap, a request that would start work
 * ({@code POST /continuations}, a fork or a merge, an {@code approve} or {@code redirect} signal)
 * gets 429 with {@code Retry-After} until the next UTC midnight and writes nothing. Reads and kills
 * always proceed.
 *
 * <p>A compliance freeze (BRIEF §12; the tenant policy's {@code freeze} section or a runtime
 * override) refuses the same requests with 423 Locked ({@code compliance_freeze}), naming the
 * freeze's reason, and writes nothing; reads and kills proceed (stopping spend is always allowed).
 *
 * <p>Every authenticated request first takes a token from the tenant's rate limit bucket ({@code
 * rateLimit} in the tenant policy; {@link TenantRateLimiter}); an empty bucket answers 429 ({@code
 * rate_limited}) with {@code Retry-After} in whole seconds, before any other work.
 */
public final class ApiRouter {

  /** The largest request body accepted; longer ones get 413. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  /** Events per page when {@code limit} is not given. */
  public static final int DEFAULT_PAGE = 100;

  /** The longest {@code Idempotency-Key}. */
  public static final int MAX_IDEMPOTENCY_KEY = 255;

  /** The OpenAPI document served at {@code /openapi.json}, on the class path. */
  public static final String OPENAPI_RESOURCE = "/openapi/maestro-api.json";

  /** The problem type code of a request refused by the tenant daily cap. */
  public static final String DAILY_CAP_PROBLEM = "tenant_daily_cap_reached";

  /** The problem type code of a request refused by the tenant's rate limit. */
  public static final String RATE_LIMITED_PROBLEM = "rate_limited";

  /** Signal kinds that do not start work, so the daily cap never holds them back. */
  private static final Set<String> SIGNALS_PAST_THE_CAP = Set.of("kill");

  private static final System.Logger LOG = System.getLogger(ApiRouter.class.getName());

  /**
   * One route the API serves.
   *
   * @param method the HTTP method
   * @param path the path template, with {@code {id}} for a continuation id
   * @param authenticated whether a bearer token is required
   */
  public record Route(String method, String path, boolean authenticated) {}

  @FunctionalInterface
  private interface Handler {
    ApiResponse handle(ApiRouter router, Call call);
  }

  private record Endpoint(
      Route route, List<String> segments, Set<String> queryParameters, Handler handler) {
    Endpoint(
        String method, String path, boolean authenticated, Set<String> query, Handler handler) {
      this(new Route(method, path, authenticated), ApiRouter.segments(path), query, handler);
    }
  }

  /** A matched request: the path parameters, the caller, and the input problems found so far. */
  private record Call(
      ApiRequest request,
      Map<String, String> pathParameters,
      Principal caller,
      Violations violations) {}

  /** Every route; the OpenAPI test holds the document to this list. */
  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("POST", "/continuations", true, Set.of(), ApiRouter::create),
          new Endpoint("GET", "/continuations/{id}", true, Set.of(), ApiRouter::get),
          new Endpoint("DELETE", "/continuations/{id}", true, Set.of("reason"), ApiRouter::kill),
          new Endpoint(
              "GET",
              "/continuations/{id}/events",
              true,
              Set.of("after", "limit"),
              ApiRouter::events),
          new Endpoint("POST", "/continuations/{id}/signals", true, Set.of(), ApiRouter::signal),
          new Endpoint("POST", "/continuations/{id}/fork", true, Set.of(), ApiRouter::fork),
          new Endpoint("POST", "/continuations/merge", true, Set.of(), ApiRouter::merge),
          new Endpoint(
              "GET", "/continuations/{id}/lineage", true, Set.of("limit"), ApiRouter::lineage),
          new Endpoint("POST", "/decide", true, Set.of(), ApiRouter::decide),
          new Endpoint("GET", "/fields/{id}", true, Set.of("budgetTokens"), ApiRouter::field),
          new Endpoint("GET", "/openapi.json", false, Set.of(), ApiRouter::openApi),
          new Endpoint("GET", "/health", false, Set.of(), ApiRouter::health));

  private final ContinuationService service;
  private final Identity identity;
  private final GoalFrameParser goalFrames;
  private final Recipes recipes;
  private final PolicyStore policies;
  private final Clock clock;
  private final TenantDailyCap dailyCap;
  private final ShadowKernel shadow;
  private final FieldService fields;
  private final TenantRateLimiter rateLimiter;

  /** Read once per class: every router (one per request on some transports) serves it. */
  private static final class OpenApi {
    static final byte[] DOCUMENT = loadOpenApi();
  }

  /**
   * A router over {@code service}, authenticating callers with {@code identity} and accepting goal
   * frames for the recipes in {@code recipes}.
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(ContinuationService service, Identity identity, Recipes recipes) {
    this(service, identity, recipes, new InMemoryPolicyStore(), Clock.systemUTC());
  }

  /**
   * A router that also answers {@code POST /decide} with the tenant policies in {@code policies},
   * deciding at {@code clock}'s time unless a request gives its own {@code now}.
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(
      ContinuationService service,
      Identity identity,
      Recipes recipes,
      PolicyStore policies,
      Clock clock) {
    this(service, identity, recipes, policies, clock, TenantDailyCap.none());
  }

  /**
   * A router as above that also refuses work past each tenant's daily budget cap, as kept by {@code
   * dailyCap}'s ledger.
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(
      ContinuationService service,
      Identity identity,
      Recipes recipes,
      PolicyStore policies,
      Clock clock,
      TenantDailyCap dailyCap) {
    this(service, identity, recipes, policies, clock, dailyCap, ShadowKernel.rulesOnly());
  }

  /**
   * A router as above whose {@code POST /decide} also scores each decision with the learned policy
   * in {@code shadow} (shadow mode: the rules decide, v1's suggestion is returned beside the
   * decision as {@code shadow}).
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(
      ContinuationService service,
      Identity identity,
      Recipes recipes,
      PolicyStore policies,
      Clock clock,
      TenantDailyCap dailyCap,
      ShadowKernel shadow) {
    this(
        service,
        identity,
        recipes,
        policies,
        clock,
        dailyCap,
        shadow,
        FieldServices.episodic(Objects.requireNonNull(service, "service"), clock));
  }

  /**
   * A router as above whose {@code GET /fields/{id}} assembles context fields with {@code fields}
   * (the other constructors use {@link FieldServices#episodic}: the event log only).
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(
      ContinuationService service,
      Identity identity,
      Recipes recipes,
      PolicyStore policies,
      Clock clock,
      TenantDailyCap dailyCap,
      ShadowKernel shadow,
      FieldService fields) {
    this(
        service,
        identity,
        recipes,
        policies,
        clock,
        dailyCap,
        shadow,
        fields,
        new TenantRateLimiter(Objects.requireNonNull(clock, "clock")));
  }

  /**
   * A router as above that limits each tenant's request rate with {@code rateLimiter} (the other
   * constructors give each router its own limiter on {@code clock}).
   *
   * @throws IllegalStateException if the OpenAPI document is missing from the class path
   */
  public ApiRouter(
      ContinuationService service,
      Identity identity,
      Recipes recipes,
      PolicyStore policies,
      Clock clock,
      TenantDailyCap dailyCap,
      ShadowKernel shadow,
      FieldService fields,
      TenantRateLimiter rateLimiter) {
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.fields = Objects.requireNonNull(fields, "fields");
    this.shadow = Objects.requireNonNull(shadow, "shadow");
    this.dailyCap = Objects.requireNonNull(dailyCap, "dailyCap");
    this.service = Objects.requireNonNull(service, "service");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.goalFrames = new GoalFrameParser(recipes);
    this.recipes = recipes;
    this.policies = Objects.requireNonNull(policies, "policies");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(OpenApi.DOCUMENT); // loads it: a missing document fails construction
  }

  /** The routes this router serves, in declaration order. */
  public static List<Route> routes() {
    return ENDPOINTS.stream().map(Endpoint::route).toList();
  }

  /** Handles one request. Never throws; every failure is a problem+json response. */
  public ApiResponse handle(ApiRequest request) {
    return handle(request, identity);
  }

  /**
   * Handles one request, authenticating its caller with {@code callerIdentity} instead of the
   * router's own: for transports that verified the caller before the handler runs (API Gateway's
   * JWT authorizer, API Management's validate-jwt), whose identity is per request. Never throws.
   */
  public ApiResponse handle(ApiRequest request, Identity callerIdentity) {
    Objects.requireNonNull(callerIdentity, "callerIdentity");
    String instance = request.path();
    try {
      return dispatch(request, callerIdentity);
    } catch (MaestroException e) {
      return Problems.of(e, instance, request.header("Authorization").isPresent());
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "unexpected failure handling " + request.method() + " " + instance,
          e);
      return Problems.internalError(instance);
    }
  }

  private ApiResponse dispatch(ApiRequest request, Identity callerIdentity) {
    List<String> path = segments(request.path());
    var allowed = new TreeSet<String>();
    Endpoint endpoint = null;
    for (Endpoint candidate : ENDPOINTS) {
      if (!shapeMatches(candidate.segments(), path)) continue;
      allowed.add(candidate.route().method());
      if (candidate.route().method().equals(request.method())) endpoint = candidate;
    }
    if (allowed.isEmpty()) return Problems.noRoute(request.path());
    if (endpoint == null)
      return Problems.methodNotAllowed(request.method(), allowed, request.path());
    if (request.bodyLength() > MAX_BODY_BYTES)
      return Problems.payloadTooLarge(MAX_BODY_BYTES, request.path());

    Principal caller =
        endpoint.route().authenticated()
            ? callerIdentity.authenticate(request.header("Authorization").orElse(null))
            : null;
    if (caller != null) {
      ApiResponse limited = rateLimited(caller, request.path());
      if (limited != null) return limited;
    }
    var violations = new Violations();
    var parameters = new LinkedHashMap<String, String>();
    for (int i = 0; i < path.size(); i++) {
      String template = endpoint.segments().get(i);
      if (template.startsWith("{")) {
        String name = template.substring(1, template.length() - 1);
        parameters.put(name, path.get(i));
        if ("id".equals(name) && !ContinuationId.isValid(path.get(i))) {
          violations.add("/path/id", "must be a continuation id (a lower-case UUID)");
        }
      }
    }
    // Unknown parameters are rejected rather than ignored: a typo such as `limt` would otherwise
    // silently fall back to the default.
    for (var parameter : request.query().entrySet()) {
      String pointer = Violations.pointer("/query", parameter.getKey());
      if (!endpoint.queryParameters().contains(parameter.getKey())) {
        violations.add(pointer, "unknown query parameter");
      } else if (parameter.getValue().size() > 1) {
        violations.add(pointer, "must be given at most once");
      }
    }
    return endpoint.handler().handle(this, new Call(request, parameters, caller, violations));
  }

  // ---- handlers: validate everything, then make exactly one service call ----

  private ApiResponse create(Call call) {
    return startWork(
        call, goalFrames::parse, (goal, key) -> service.create(call.caller(), goal, key));
  }

  /** A fork starts work (the child's first tick), so the daily cap holds it back like a create. */
  private ApiResponse fork(Call call) {
    return startWork(
        call,
        LineageRequests::fork,
        (request, key) -> service.fork(call.caller(), id(call), request, key, recipes));
  }

  private ApiResponse merge(Call call) {
    return startWork(
        call,
        LineageRequests::merge,
        (request, key) -> service.merge(call.caller(), request, key, recipes));
  }

  /**
   * A POST that starts work (create, fork, merge): the media type, the idempotency key and the body
   * parsed by {@code parse} are checked first (every problem reported at once), then the compliance
   * freeze and the tenant's daily cap; only then is the one service call made.
   */
  private <T> ApiResponse startWork(
      Call call,
      java.util.function.BiFunction<JsonNode, Violations, T> parse,
      java.util.function.BiFunction<T, String, CreateResult> start) {
    String mediaTypeProblem = mediaTypeProblem(call.request());
    if (mediaTypeProblem != null)
      return Problems.unsupportedMediaType(mediaTypeProblem, call.request().path());
    Violations v = call.violations();
    String key = idempotencyKey(call.request(), v);
    T request = parse.apply(body(call.request(), v), v);
    v.throwIfAny();
    requireNotFrozen(call);
    ApiResponse capped = dailyCapReached(call);
    if (capped != null) return capped;
    return created(start.apply(request, key));
  }

  private ApiResponse lineage(Call call) {
    Violations v = call.violations();
    long limit =
        longParameter(
            call.request(),
            "limit",
            ContinuationService.DEFAULT_LINEAGE_LIMIT,
            1,
            ContinuationService.MAX_LINEAGE_LIMIT,
            v);
    v.throwIfAny();
    LineageView view = service.lineage(call.caller(), id(call), (int) limit);
    return ApiResponse.json(200, view).withHeader("Cache-Control", "no-store");
  }

  /** 201 with the new continuation, or 200 for an idempotent replay. */
  private static ApiResponse created(CreateResult result) {
    String location = "/continuations/" + result.continuation().id();
    if (result.replayed()) {
      return ApiResponse.json(200, result.continuation())
          .withHeader("Idempotent-Replayed", "true")
          .withHeader("Content-Location", location)
          .withHeader("Cache-Control", "no-store");
    }
    return ApiResponse.json(201, result.continuation())
        .withHeader("Location", location)
        .withHeader("Cache-Control", "no-store");
  }

  private ApiResponse get(Call call) {
    call.violations().throwIfAny();
    return ApiResponse.json(200, service.get(call.caller(), id(call)))
        .withHeader("Cache-Control", "no-store");
  }

  private ApiResponse events(Call call) {
    Violations v = call.violations();
    long after = longParameter(call.request(), "after", 0, 0, Long.MAX_VALUE, v);
    long limit =
        longParameter(call.request(), "limit", DEFAULT_PAGE, 1, ContinuationService.MAX_PAGE, v);
    v.throwIfAny();
    List<EventEnvelope> page = service.events(call.caller(), id(call), after, (int) limit);
    var body = new LinkedHashMap<String, Object>();
    body.put("events", page);
    // The cursor to pass as `after` next: polling with it never skips or repeats an event.
    body.put("next", page.isEmpty() ? after : page.get(page.size() - 1).sequence());
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
  }

  private ApiResponse signal(Call call) {
    String mediaTypeProblem = mediaTypeProblem(call.request());
    if (mediaTypeProblem != null)
      return Problems.unsupportedMediaType(mediaTypeProblem, call.request().path());
    Violations v = call.violations();
    String key = idempotencyKey(call.request(), v);
    SignalRequest signal = SignalRequest.parse(body(call.request(), v), v);
    v.throwIfAny();
    if (!SIGNALS_PAST_THE_CAP.contains(signal.kind())) {
      requireNotFrozen(call);
      ApiResponse capped = dailyCapReached(call);
      if (capped != null) return capped;
    }
    String sid = service.signal(call.caller(), id(call), signal.kind(), signal.body(), key);
    return accepted(id(call), sid, signal.kind());
  }

  /** A pure function call: decides and answers; nothing is recorded (the tick records). */
  private ApiResponse decide(Call call) {
    String mediaTypeProblem = mediaTypeProblem(call.request());
    if (mediaTypeProblem != null)
      return Problems.unsupportedMediaType(mediaTypeProblem, call.request().path());
    Violations v = call.violations();
    TenantId tenant = call.caller().tenant();
    DecisionInput input =
        DecisionInputParser.parse(body(call.request(), v), tenant, clock.instant(), v);
    v.throwIfAny();
    ShadowKernel.Shadowed decided = shadow.decide(input, policies.policyFor(tenant));
    ObjectNode body = (ObjectNode) Json.toTree(decided.decision());
    if (decided.shadow() != null) body.set("shadow", Json.toTree(decided.shadow()));
    if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "decide tenant={0} decision={1} shadow={2}",
          tenant,
          Json.write(DecisionEvents.of(decided.decision())),
          decided.shadow() != null ? Json.write(decided.shadow()) : decided.skipped());
    }
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
  }

  /**
   * The continuation's context field. Cacheable by the caller alone until it goes stale: {@code
   * Cache-Control: private, max-age=<seconds until staleAt>}.
   */
  private ApiResponse field(Call call) {
    Violations v = call.violations();
    long budget =
        longParameter(
            call.request(),
            "budgetTokens",
            FieldService.DEFAULT_BUDGET_TOKENS,
            1,
            FieldService.MAX_BUDGET_TOKENS,
            v);
    v.throwIfAny();
    FieldManifest manifest = fields.field(call.caller(), id(call), (int) budget);
    long maxAge = Math.max(0, Duration.between(clock.instant(), manifest.staleAt()).getSeconds());
    return ApiResponse.json(200, manifest)
        .withHeader("Cache-Control", "private, max-age=" + maxAge);
  }

  private ApiResponse kill(Call call) {
    Violations v = call.violations();
    String key = idempotencyKey(call.request(), v);
    String reason = null;
    List<String> reasons = call.request().query().get("reason");
    if (reasons != null && reasons.size() == 1) {
      reason = reasons.get(0);
      if (reason.isBlank()) {
        v.add("/query/reason", "must not be blank");
      } else if (reason.codePointCount(0, reason.length()) > GoalFrameParser.MAX_TEXT_CHARS) {
        v.add("/query/reason", "must be at most " + GoalFrameParser.MAX_TEXT_CHARS + " characters");
      } else if (JsonBody.hasLoneSurrogate(reason)) {
        v.add("/query/reason", "contains an unpaired UTF-16 surrogate");
      }
    }
    v.throwIfAny();
    String sid = service.kill(call.caller(), id(call), reason, key);
    return accepted(id(call), sid, "kill");
  }

  private ApiResponse openApi(Call call) {
    call.violations().throwIfAny();
    return new ApiResponse(200, Map.of("Content-Type", ApiResponse.JSON), OpenApi.DOCUMENT);
  }

  private ApiResponse health(Call call) {
    call.violations().throwIfAny();
    return ApiResponse.json(200, Map.of("status", "ok")).withHeader("Cache-Control", "no-store");
  }

  /**
   * Refuses a request that would start work or write the caller's data while a compliance freeze
   * holds the caller's tenant.
   *
   * @throws FrozenException (423) naming the freeze
   */
  private void requireNotFrozen(Call call) {
    TenantId tenant = call.caller().tenant();
    Optional<PolicyDocument.Freeze> freeze = policies.policyFor(tenant).freeze();
    if (freeze.isPresent()) {
      PolicyDocument.Freeze f = freeze.get();
      throw new FrozenException(
          "a compliance freeze holds tenant "
              + tenant
              + (f.since() != null ? " since " + f.since() : "")
              + ": "
              + f.reason()
              + "; reads and kills remain allowed");
    }
  }

  /** 429 when the caller's tenant has no request left in its bucket, else null. */
  private ApiResponse rateLimited(Principal caller, String instance) {
    TenantId tenant = caller.tenant();
    return rateLimiter
        .acquire(tenant, policies.policyFor(tenant).rateLimit())
        .map(
            seconds -> {
              var body = new LinkedHashMap<String, Object>();
              body.put("type", Problems.TYPE_PREFIX + RATE_LIMITED_PROBLEM);
              body.put("title", "Too many requests");
              body.put("status", 429);
              body.put(
                  "detail",
                  "tenant "
                      + tenant
                      + " is over its request rate limit; retry in "
                      + seconds
                      + " s");
              body.put("instance", instance);
              return new ApiResponse(
                  429,
                  Map.of(
                      "Content-Type",
                      ApiResponse.PROBLEM_JSON,
                      "Cache-Control",
                      "no-store",
                      "Retry-After",
                      Long.toString(seconds)),
                  Json.writeBytes(body));
            })
        .orElse(null);
  }

  /** 429 when the caller's tenant is at its daily cap, else null (the request proceeds). */
  private ApiResponse dailyCapReached(Call call) {
    return dailyCap
        .check(call.caller().tenant())
        .map(
            reached -> {
              var body = new LinkedHashMap<String, Object>();
              body.put("type", Problems.TYPE_PREFIX + DAILY_CAP_PROBLEM);
              body.put("title", "Tenant daily budget cap reached");
              body.put("status", 429);
              body.put("detail", reached.detail());
              body.put("instance", call.request().path());
              return new ApiResponse(
                  429,
                  Map.of(
                      "Content-Type",
                      ApiResponse.PROBLEM_JSON,
                      "Cache-Control",
                      "no-store",
                      "Retry-After",
                      Long.toString(reached.retryAfter().getSeconds())),
                  Json.writeBytes(body));
            })
        .orElse(null);
  }

  // ---- input helpers ----

  private static ApiResponse accepted(ContinuationId id, String signalId, String kind) {
    var body = new LinkedHashMap<String, Object>();
    body.put("signalId", signalId);
    body.put("continuationId", id);
    body.put("kind", kind);
    return ApiResponse.json(202, body).withHeader("Cache-Control", "no-store");
  }

  private static ContinuationId id(Call call) {
    return ContinuationId.of(call.pathParameters().get("id"));
  }

  /** The {@code Idempotency-Key} header, if given: 1..255 visible ASCII characters. */
  private static String idempotencyKey(ApiRequest request, Violations v) {
    List<String> values = request.headerValues("Idempotency-Key");
    if (values.isEmpty()) return null;
    if (values.size() > 1) {
      v.add("/headers/Idempotency-Key", "must be given at most once");
      return null;
    }
    String key = values.get(0);
    if (key.isEmpty()
        || key.length() > MAX_IDEMPOTENCY_KEY
        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      v.add(
          "/headers/Idempotency-Key",
          "must be 1 to " + MAX_IDEMPOTENCY_KEY + " visible ASCII characters (no spaces)");
      return null;
    }
    return key;
  }

  private static JsonNode body(ApiRequest request, Violations v) {
    try {
      return JsonBody.parseObject(request.body());
    } catch (InvalidInputException e) {
      v.addAll(e.errors());
      return null;
    }
  }

  private static long longParameter(
      ApiRequest request, String name, long fallback, long min, long max, Violations v) {
    List<String> values = request.query().get(name);
    if (values == null || values.size() != 1) return fallback;
    String text = values.get(0);
    String pointer = "/query/" + name;
    String range = "must be an integer between " + min + " and " + max;
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      v.add(pointer, range);
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException beyondLong) {
      v.add(pointer, range);
      return fallback;
    }
    if (value < min || value > max) {
      v.add(pointer, range);
      return fallback;
    }
    return value;
  }

  /**
   * Why the body's media type is unacceptable, or null when it is {@code application/json}
   * (optionally with {@code charset=utf-8}).
   */
  private static String mediaTypeProblem(ApiRequest request) {
    String contentType = request.header("Content-Type").orElse(null);
    if (contentType == null) return "a body of Content-Type application/json is required";
    String[] parts = contentType.split(";");
    if (parts.length == 0 || !parts[0].strip().toLowerCase(Locale.ROOT).equals(ApiResponse.JSON)) {
      return "Content-Type must be application/json";
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && parameter[0].strip().equalsIgnoreCase("charset")) {
        String charset = parameter[1].strip().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8")) return "the charset must be utf-8";
      }
    }
    return null;
  }

  private static List<String> segments(String path) {
    var result = new ArrayList<String>();
    if (path.isEmpty() || path.charAt(0) != '/') return result;
    for (String s : path.substring(1).split("/", -1)) result.add(s);
    return result;
  }

  private static boolean shapeMatches(List<String> template, List<String> path) {
    if (template.size() != path.size()) return false;
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      if (t.startsWith("{")) {
        if (path.get(i).isEmpty()) return false;
      } else if (!t.equals(path.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = ApiRouter.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null)
        throw new IllegalStateException("the OpenAPI document " + OPENAPI_RESOURCE + " is missing");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }
}
