package dev.maestro.azure.foundry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.maestro.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@link EntraTokenSource}'s caching rules on an injected clock, with a counting stub credential:
 * the scope asked for, reuse until five minutes before expiry, refresh from then on, invalidation,
 * failures not cached, and one credential call under concurrent callers. Not exercised here: a real
 * credential (see {@link EntraManagedIdentityTokenFlowTest}) or Entra ID itself.
 */
class EntraTokenSourceTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final List<TokenRequestContext> asked = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger issued = new AtomicInteger();
  private final TokenCredential credential =
      context -> {
        asked.add(context);
        int n = issued.incrementAndGet();
        return Mono.just(
            new AccessToken(
                "token-" + n, clock.instant().plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));
      };
  private final EntraTokenSource source =
      new EntraTokenSource(credential, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, clock);

  @Test
  void givenNoToken_whenAsked_thenTheCredentialIsAskedForTheCognitiveServicesScope() {
    assertThat(source.token()).isEqualTo("token-1");

    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).getScopes())
        .containsExactly("https://cognitiveservices.azure.com/.default");
  }

  @Test
  void givenAFreshToken_whenAskedAgain_thenTheCachedTokenIsReturned() {
    source.token();
    clock.advance(Duration.ofMinutes(54).plusSeconds(59));

    assertThat(source.token()).isEqualTo("token-1");
    assertThat(issued).hasValue(1);
  }

  @Test
  void givenATokenFiveMinutesFromExpiry_whenAsked_thenANewTokenIsFetched() {
    source.token();
    clock.advance(Duration.ofMinutes(55));

    assertThat(source.token()).isEqualTo("token-2");
    assertThat(source.token()).isEqualTo("token-2");
    assertThat(issued).hasValue(2);
  }

  @Test
  void givenATokenShorterLivedThanTheMargin_whenAsked_thenEveryCallRefreshes() {
    TokenCredential shortLived =
        context ->
            Mono.just(
                new AccessToken(
                    "short-" + issued.incrementAndGet(),
                    clock.instant().plus(Duration.ofMinutes(4)).atOffset(ZoneOffset.UTC)));
    var shortSource =
        new EntraTokenSource(shortLived, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, clock);

    assertThat(shortSource.token()).isEqualTo("short-1");
    assertThat(shortSource.token()).isEqualTo("short-2");
  }

  @Test
  void givenAnInvalidatedToken_whenAsked_thenANewTokenIsFetched() {
    source.token();
    source.invalidate();

    assertThat(source.token()).isEqualTo("token-2");
  }

  @Test
  void givenTheCredentialFails_whenAsked_thenTheFailureIsThrownAndTheNextCallRetries() {
    AtomicInteger calls = new AtomicInteger();
    TokenCredential flaky =
        context ->
            calls.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("endpoint down"))
                : Mono.just(
                    new AccessToken(
                        "after-failure",
                        clock.instant().plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));
    var flakySource = new EntraTokenSource(flaky, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, clock);

    assertThatThrownBy(flakySource::token).hasMessageContaining("endpoint down");
    assertThat(flakySource.token()).isEqualTo("after-failure");
  }

  @Test
  void givenConcurrentCallers_whenTheCacheIsEmpty_thenTheCredentialIsAskedOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    TokenCredential slow =
        context -> {
          issued.incrementAndGet();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Mono.just(
              new AccessToken(
                  "shared", clock.instant().plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));
        };
    var shared = new EntraTokenSource(slow, EntraTokenSource.COGNITIVE_SERVICES_SCOPE, clock);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(shared::token));
      }
      release.countDown();
      var tokens = new HashSet<String>();
      for (Future<String> answer : answers) {
        tokens.add(answer.get(10, TimeUnit.SECONDS));
      }

      assertThat(tokens).containsExactly("shared");
      assertThat(issued).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
