package dev.maestro.core.security.ratelimit;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.policy.PolicyDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant request rate limits at API ingress: one {@link TokenBucket} per tenant, sized by the
 * tenant's {@code rateLimit} policy section. The buckets live in this process only: on the clouds
 * each function instance limits on its own, and the gateway's throttling (API Gateway usage plans,
 * API Management rate-limit-by-key) is the limit across instances.
 */
public final class TenantRateLimiter {

  private final Clock clock;
  private final ConcurrentHashMap<TenantId, TokenBucket> buckets = new ConcurrentHashMap<>();

  /** A limiter reading time from {@code clock}. */
  public TenantRateLimiter(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Takes one request from {@code tenant}'s bucket under {@code limit}.
   *
   * @return empty when the request may proceed, else the whole seconds (rounded up, at least 1) to
   *     wait before retrying
   */
  public Optional<Long> acquire(TenantId tenant, PolicyDocument.RateLimit limit) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(limit, "limit");
    Instant now = clock.instant();
    long nanos =
        Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    Duration wait =
        buckets
            .computeIfAbsent(tenant, t -> new TokenBucket())
            .take(nanos, limit.requestsPerSecond().doubleValue(), limit.burst());
    if (wait.isZero()) return Optional.empty();
    long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Optional.of(Math.max(1, seconds));
  }
}
