package dev.maestro.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.maestro.core.api.ApiRequest;
import dev.maestro.core.api.ApiRouter;
import dev.maestro.core.budget.TenantDailyCap;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.error.UnauthorizedException;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.lifecycle.MergeFunctions;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.policy.learned.LearnedPolicySource;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.security.Identity;
import dev.maestro.core.security.Principal;
import dev.maestro.core.security.VerifiedBehindPlatform;
import dev.maestro.core.security.jwt.JwtIdentity;
import dev.maestro.core.security.jwt.JwtSettings;
import dev.maestro.core.tick.Recipes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The API behind API Gateway's HTTP API (payload format 2.0) with a JWT authorizer: translates the
 * event into the core {@link ApiRouter}'s request, authenticates the caller from the authorizer's
 * verified claims ({@link ApiGatewayIdentity}), and translates the answer back. No business logic
 * lives here.
 *
 * <p>Everything it needs is built once per container, in static initialisation (and so in the
 * SnapStart snapshot), from the environment of {@link AwsRuntime} (tables, scheduler, budget
 * ledger) and:
 *
 * <ul>
 *   <li>{@code MAESTRO_TENANT_CLAIM} (default {@code custom:tenant}): the JWT claim that names the
 *       tenant.
 * </ul>
 *
 * The AWS SDK reads the region and credentials from the Lambda environment as usual. The router
 * enforces the tenant daily cap ({@link AwsRuntime#dailyCap()}): at 100 % of a tenant's day, a
 * create, approve or redirect gets 429 problem+json with {@code Retry-After}.
 *
 * <p>Defence in depth: when {@link JwtSettings#fromEnvironment} finds an issuer configured ({@code
 * MAESTRO_COGNITO_USER_POOL_ID} + {@code MAESTRO_COGNITO_CLIENT_ID}, or {@code MAESTRO_JWT_*}; the
 * tenant claim from {@code MAESTRO_JWT_TENANT_CLAIM}), the handler verifies the bearer token itself
 * against the issuer's JWK set ({@link JwtIdentity}) and requires the authorizer's claims, when
 * present, to name the same tenant; otherwise it trusts the authorizer's claims alone.
 */
public final class ApiHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** Refuses every caller: the router's own identity is never the one used here. */
  static final Identity NO_DIRECT_CALLERS =
      header -> {
        throw new UnauthorizedException("callers are authenticated by the API Gateway authorizer");
      };

  private static final class Container {
    static final ApiHandler HANDLER = fromEnvironment();
  }

  private final ApiRouter router;
  private final String tenantClaim;
  private final Identity tokenVerifier;

  /** The Lambda runtime's constructor: shares the container's router. */
  public ApiHandler() {
    this(Container.HANDLER.router, Container.HANDLER.tenantClaim, Container.HANDLER.tokenVerifier);
  }

  ApiHandler(ApiRouter router, String tenantClaim) {
    this(router, tenantClaim, null);
  }

  /**
   * A handler that also verifies each bearer token with {@code tokenVerifier} (null: the
   * authorizer's claims alone).
   */
  ApiHandler(ApiRouter router, String tenantClaim, Identity tokenVerifier) {
    this.router = Objects.requireNonNull(router, "router");
    this.tenantClaim = ApiGatewayIdentity.requireName(tenantClaim);
    this.tokenVerifier = tokenVerifier;
  }

  /** A handler over {@code service} (local invocation, tests), tenants from {@code tenantClaim}. */
  public static ApiHandler of(ContinuationService service, String tenantClaim) {
    return new ApiHandler(router(service), tenantClaim);
  }

  /** A router over {@code service} whose callers must come with per-request identities. */
  static ApiRouter router(ContinuationService service) {
    return new ApiRouter(service, NO_DIRECT_CALLERS, Recipes.builtIn());
  }

  /**
   * A router as {@link #router(ContinuationService)} that decides with {@code policies} (scoring
   * each decision with the learned policy in {@code shadow} when the package carries one) and
   * refuses work past each tenant's daily budget cap as kept by {@code dailyCap}.
   */
  static ApiRouter router(
      ContinuationService service,
      PolicyStore policies,
      Clock clock,
      TenantDailyCap dailyCap,
      ShadowKernel shadow) {
    return new ApiRouter(
        service, NO_DIRECT_CALLERS, Recipes.builtIn(), policies, clock, dailyCap, shadow);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return HttpApiEvents.toResponse(router.handle(HttpApiEvents.toRequest(event), caller(event)));
  }

  /**
   * Who {@code event}'s caller is: the authorizer's claims, or the verified token checked by them.
   */
  Identity caller(APIGatewayV2HTTPEvent event) {
    ApiGatewayIdentity gateway = ApiGatewayIdentity.of(event, tenantClaim);
    if (tokenVerifier == null) return gateway;
    var context = event.getRequestContext();
    boolean claimsPresent =
        context != null
            && context.getAuthorizer() != null
            && context.getAuthorizer().getJwt() != null
            && context.getAuthorizer().getJwt().getClaims() != null;
    return VerifiedBehindPlatform.of(tokenVerifier, claimsPresent ? gateway : null);
  }

  private static ApiHandler fromEnvironment() {
    String claim =
        System.getenv()
            .getOrDefault("MAESTRO_TENANT_CLAIM", ApiGatewayIdentity.DEFAULT_TENANT_CLAIM);
    AwsRuntime runtime = AwsRuntime.container();
    var service =
        new ContinuationService(
            runtime.substrate(),
            runtime.clock(),
            new SecureRandom(),
            runtime.observability(),
            MergeFunctions.builtIn(),
            runtime.redaction());
    ApiHandler handler =
        new ApiHandler(
            router(
                service,
                runtime.policies(),
                runtime.clock(),
                runtime.dailyCap(),
                LearnedPolicySource.shadowKernel(System.getenv())),
            claim,
            tokenVerifier(System.getenv(), runtime.clock()));
    Priming.register("api", handler::prime, System.getenv());
    return handler;
  }

  /** The token verifier {@code env} configures ({@link JwtSettings#fromEnvironment}), or null. */
  static Identity tokenVerifier(Map<String, String> env, Clock clock) {
    JwtSettings settings = JwtSettings.fromEnvironment(env);
    return settings == null ? null : JwtIdentity.remote(settings, clock);
  }

  /**
   * Answers representative requests end to end without writing anything: an event without
   * authorizer claims (401), an invalid create (400, refused before any write) and a read of an id
   * no tenant has (404, one DynamoDB read).
   */
  void prime() {
    var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
    http.setMethod("GET");
    http.setPath("/continuations");
    var context = new APIGatewayV2HTTPEvent.RequestContext();
    context.setHttp(http);
    var event = new APIGatewayV2HTTPEvent();
    event.setVersion("2.0");
    event.setRawPath("/continuations");
    event.setRequestContext(context);
    handleRequest(event, null);

    Identity primer = header -> new Principal(TenantId.of("maestro-prime"), "primer", Set.of());
    Map<String, List<String>> json = Map.of("content-type", List.of("application/json"));
    router.handle(
        new ApiRequest(
            "POST",
            "/continuations",
            Map.of(),
            json,
            "{\"goal_frame\":{}}".getBytes(StandardCharsets.UTF_8)),
        primer);
    router.handle(
        new ApiRequest(
            "GET",
            "/continuations/" + ContinuationId.newId(Instant.now(), new SecureRandom()).value(),
            Map.of(),
            Map.of(),
            null),
        primer);
  }
}
