package dev.maestro.core.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maestro.core.substrate.IdempotencyStore.Claim;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The {@link dev.maestro.core.substrate.IdempotencyStore}: the first claim of a key wins and every
 * later claim (sequential or racing) gets the first one back.
 */
public abstract class IdempotencyStoreContract extends SubstrateContract {

  @Test
  void givenAnUnclaimedKey_whenClaimed_thenTheProposedClaimWins() {
    var tenant = Fixtures.tenant("alpha");
    Claim proposed = Fixtures.claim("key-1", "fp-1", "resource-1", now);

    assertThat(idempotency().claim(tenant, proposed)).isEqualTo(proposed);
  }

  @Test
  void givenAClaimedKey_whenClaimedAgainWithAnotherRequest_thenTheFirstClaimIsReturned() {
    var tenant = Fixtures.tenant("alpha");
    Claim first = Fixtures.claim("key-1", "fp-1", "resource-1", now);
    idempotency().claim(tenant, first);

    Claim second =
        idempotency()
            .claim(
                tenant,
                Fixtures.claim("key-1", "fp-2", "resource-2", later(Duration.ofSeconds(5))));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void givenAClaimedKey_whenAnotherKeyIsClaimed_thenItWinsIndependently() {
    var tenant = Fixtures.tenant("alpha");
    idempotency().claim(tenant, Fixtures.claim("key-1", "fp-1", "resource-1", now));
    Claim other = Fixtures.claim("key-2", "fp-2", "resource-2", now);

    assertThat(idempotency().claim(tenant, other)).isEqualTo(other);
  }

  @Test
  void givenAClaimedKey_whenTheProcessRestarts_thenTheClaimIsStillReturned() {
    var tenant = Fixtures.tenant("alpha");
    Claim first = Fixtures.claim("key-1", "fp-1", "resource-1", now);
    idempotency().claim(tenant, first);

    restart();

    assertThat(idempotency().claim(tenant, Fixtures.claim("key-1", "fp-2", "resource-2", now)))
        .isEqualTo(first);
  }

  @Test
  void givenManyRacingClaimsOfOneKey_whenClaimed_thenExactlyOneWinsAndAllGetItBack()
      throws Exception {
    var tenant = Fixtures.tenant("alpha");
    int racers = 8;
    List<Claim> proposals =
        IntStream.range(0, racers)
            .mapToObj(i -> Fixtures.claim("key-1", "fp-" + i, "resource-" + i, now))
            .toList();
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      var go = new CountDownLatch(1);
      List<Future<Claim>> futures =
          proposals.stream()
              .map(
                  p ->
                      pool.submit(
                          () -> {
                            if (!go.await(30, TimeUnit.SECONDS))
                              throw new AssertionError("start signal never came");
                            return idempotency().claim(tenant, p);
                          }))
              .toList();
      go.countDown();

      List<Claim> results = new java.util.ArrayList<>();
      for (Future<Claim> f : futures) results.add(f.get(60, TimeUnit.SECONDS));

      assertThat(results).containsOnly(results.get(0));
      assertThat(proposals).contains(results.get(0));
    } finally {
      pool.shutdownNow();
    }
  }
}
