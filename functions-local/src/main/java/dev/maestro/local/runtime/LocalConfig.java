package dev.maestro.local.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the embedded runtime.
 *
 * @param dataDir where the SQLite database and the dev JWT key live ({@code --data-dir}, default
 *     {@code ~/.maestro})
 * @param leaseTtl how long a tick's lease lasts before another worker may take over ({@code
 *     --lease-ttl}, default 30 s); after a crash, an interrupted tick resumes after this
 * @param workers how many ticks run at once ({@code --workers}, default 8)
 * @param clock the time source (the system clock, except in tests)
 */
public record LocalConfig(Path dataDir, Duration leaseTtl, int workers, Clock clock) {

  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
  public static final int DEFAULT_WORKERS = 32;

  public LocalConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(clock, "clock");
    if (leaseTtl.compareTo(Duration.ofMillis(100)) < 0)
      throw new IllegalArgumentException("lease TTL must be >= 100 ms");
    if (workers < 1 || workers > 256)
      throw new IllegalArgumentException("workers must be between 1 and 256");
  }

  /** Defaults for {@code dataDir}. */
  public static LocalConfig defaults(Path dataDir) {
    return new LocalConfig(dataDir, DEFAULT_LEASE_TTL, DEFAULT_WORKERS, Clock.systemUTC());
  }

  /** The default data directory: {@code $MAESTRO_HOME} or {@code ~/.maestro}. */
  public static Path defaultDataDir() {
    String home = System.getenv("MAESTRO_HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".maestro");
  }

  public LocalConfig withLeaseTtl(Duration ttl) {
    return new LocalConfig(dataDir, ttl, workers, clock);
  }

  public LocalConfig withWorkers(int n) {
    return new LocalConfig(dataDir, leaseTtl, n, clock);
  }
}
