package dev.maestro.core.conformance;

import dev.maestro.core.substrate.Substrate;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The whole conformance kit in one class (BRIEF §3.6, §5). A substrate implementation extends this
 * and supplies {@link #newSubstrate()} and {@link #reopen()}; every contract then runs as a nested
 * group against it:
 *
 * <pre>{@code
 * class SqliteConformanceTest extends SubstrateConformanceKit {
 *   @TempDir Path dir;
 *   SqliteSubstrate open;
 *
 *   protected Substrate newSubstrate() { open = SqliteSubstrate.open(dir.resolve("kit.db")); return open.substrate(); }
 *   protected Substrate reopen() { open.close(); return newSubstrate(); }
 *   @AfterEach void close() { open.close(); }
 * }
 * }</pre>
 *
 * <p>An implementation may instead extend the individual contracts (for example only {@link
 * SchedulerContract} where the scheduler is a cloud service).
 */
public abstract class SubstrateConformanceKit {

  /** A substrate for one test; see {@link SubstrateContract#newSubstrate()}. */
  protected abstract Substrate newSubstrate();

  /** The same storage reopened, as after a restart; see {@link SubstrateContract#reopen()}. */
  protected abstract Substrate reopen();

  /** The clock the kit starts from; see {@link SubstrateContract#clock()}. */
  protected Clock clock() {
    return Clock.fixed(SubstrateContract.DEFAULT_START, ZoneOffset.UTC);
  }

  /** Whether tests share storage; see {@link SubstrateContract#sharesStorage()}. */
  protected boolean sharesStorage() {
    return false;
  }

  /** Create, find, forward-only snapshots, recovery scan: {@link ContinuationStoreContract}. */
  @Nested
  @DisplayName("ContinuationStoreContract")
  class ContinuationStore extends ContinuationStoreContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Acquire, renew, expire, steal, release: {@link LeaseContract}. */
  @Nested
  @DisplayName("LeaseContract")
  class Leases extends LeaseContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Zombie writers write nothing: {@link FencingContract}. */
  @Nested
  @DisplayName("FencingContract")
  class Fencing extends FencingContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Idempotent append and range reads: {@link EventLogContract}. */
  @Nested
  @DisplayName("EventLogContract")
  class EventLog extends EventLogContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Racing appenders and lease takers: {@link ConcurrentWritersContract}. */
  @Nested
  @DisplayName("ConcurrentWritersContract")
  class ConcurrentWriters extends ConcurrentWritersContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Register, cancel, pending: {@link SchedulerContract}. */
  @Nested
  @DisplayName("SchedulerContract")
  class Scheduler extends SchedulerContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** Due, acknowledge, restart: {@link TimerQueueContract}. */
  @Nested
  @DisplayName("TimerQueueContract")
  class Timers extends TimerQueueContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** First claim wins: {@link IdempotencyStoreContract}. */
  @Nested
  @DisplayName("IdempotencyStoreContract")
  class Idempotency extends IdempotencyStoreContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }

  /** No tenant sees another's data: {@link TenantIsolationContract}. */
  @Nested
  @DisplayName("TenantIsolationContract")
  class TenantIsolation extends TenantIsolationContract {
    @Override
    protected Substrate newSubstrate() {
      return SubstrateConformanceKit.this.newSubstrate();
    }

    @Override
    protected Substrate reopen() {
      return SubstrateConformanceKit.this.reopen();
    }

    @Override
    protected Clock clock() {
      return SubstrateConformanceKit.this.clock();
    }

    @Override
    protected boolean sharesStorage() {
      return SubstrateConformanceKit.this.sharesStorage();
    }
  }
}
