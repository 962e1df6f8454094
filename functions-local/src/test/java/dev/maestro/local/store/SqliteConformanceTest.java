package dev.maestro.local.store;

import dev.maestro.core.conformance.SubstrateConformanceKit;
import dev.maestro.core.substrate.Substrate;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The whole conformance kit against the embedded SQLite substrate, one fresh file per test. */
class SqliteConformanceTest extends SubstrateConformanceKit {

  @TempDir Path dir;

  private SqliteSubstrate open;

  @Override
  protected Substrate newSubstrate() {
    open = SqliteSubstrate.open(dir.resolve("maestro.db"));
    return open.substrate();
  }

  /** Closes the file and opens it again, as a restarted process would. */
  @Override
  protected Substrate reopen() {
    open.close();
    return newSubstrate();
  }

  @AfterEach
  void closeStore() {
    if (open != null) open.close();
  }
}
