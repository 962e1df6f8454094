package dev.maestro.azure.foundry;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Microsoft Entra ID access tokens for one scope, from a {@link TokenCredential}, cached until
 * {@link #REFRESH_MARGIN} before they expire. Thread-safe: concurrent callers share one cached
 * token, and when it is due only one of them asks the credential while the others wait for its
 * answer. A credential failure is thrown to the caller as the credential threw it and nothing is
 * cached.
 *
 * <p>The default credential ({@link #managedIdentity}) is the Function App's managed identity
 * ({@code ManagedIdentityCredential}), not {@code DefaultAzureCredential}: in a Function App the
 * managed identity is the only identity meant to call Foundry, and the default chain would also try
 * environment service principals, workload identity and developer tools (CLI, IDE caches) first,
 * which costs time on a cold start and can pick up a credential nobody meant to deploy. Local runs
 * pass their own {@link TokenCredential}.
 */
public final class EntraTokenSource {

  /** The scope Azure AI Foundry and Azure OpenAI data-plane tokens are issued for. */
  public static final String COGNITIVE_SERVICES_SCOPE =
      "https://cognitiveservices.azure.com/.default";

  /** How long before {@code expiresAt} a cached token is replaced. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private final TokenCredential credential;
  private final TokenRequestContext context;
  private final Clock clock;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile AccessToken cached;

  /** Tokens for {@code scope} from {@code credential}, aged on {@code clock}. */
  public EntraTokenSource(TokenCredential credential, String scope, Clock clock) {
    this.credential = Objects.requireNonNull(credential, "credential");
    this.context = new TokenRequestContext().addScopes(Objects.requireNonNull(scope, "scope"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Cognitive Services tokens from the Function App's managed identity: the user-assigned identity
   * with {@code clientId} when it is given, otherwise the system-assigned one. The credential finds
   * the platform's token endpoint itself ({@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} on
   * App Service and Functions).
   */
  public static EntraTokenSource managedIdentity(String clientId) {
    var builder = new ManagedIdentityCredentialBuilder();
    if (clientId != null && !clientId.isBlank()) {
      builder.clientId(clientId);
    }
    return new EntraTokenSource(builder.build(), COGNITIVE_SERVICES_SCOPE, Clock.systemUTC());
  }

  /** A token valid for at least {@link #REFRESH_MARGIN} more, from the cache when it has one. */
  public String token() {
    AccessToken current = cached;
    if (fresh(current)) {
      return current.getToken();
    }
    refreshing.lock();
    try {
      current = cached;
      if (!fresh(current)) {
        current = credential.getTokenSync(context);
        if (current == null) {
          throw new IllegalStateException("the credential returned no token for " + context);
        }
        cached = current;
      }
      return current.getToken();
    } finally {
      refreshing.unlock();
    }
  }

  /**
   * Forgets the cached token, so the next {@link #token()} asks the credential again (after the
   * service refused it, e.g. with a 401).
   */
  public void invalidate() {
    cached = null;
  }

  private boolean fresh(AccessToken token) {
    return token != null
        && clock.instant().isBefore(token.getExpiresAt().toInstant().minus(REFRESH_MARGIN));
  }
}
