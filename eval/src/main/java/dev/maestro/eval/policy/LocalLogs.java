package dev.maestro.eval.policy;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.local.runtime.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reading the embedded runtime's event logs for the policy tools (report, replay, training). */
public final class LocalLogs {

  private LocalLogs() {}

  /**
   * The database of {@code dataDir}.
   *
   * @throws IllegalArgumentException naming the file when it does not exist
   */
  public static Path database(Path dataDir) {
    Path db = dataDir.resolve(LocalRuntime.DATABASE);
    if (!Files.isRegularFile(db)) {
      throw new IllegalArgumentException(
          db + " does not exist; run continuations first (maestro demo, maestro policy simulate)");
    }
    return db;
  }

  /**
   * Every continuation in the database, ordered by tenant and id. The substrate ports list only
   * unfinished continuations (for recovery), so the listing is a read-only query; the events
   * themselves are read through {@link EventLog}.
   */
  public static List<ContinuationRef> continuations(Path db) {
    var refs = new ArrayList<ContinuationRef>();
    var props = new Properties();
    props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db, props);
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT tenant, id FROM continuations ORDER BY tenant, id")) {
      while (rs.next()) {
        refs.add(
            new ContinuationRef(TenantId.of(rs.getString(1)), ContinuationId.of(rs.getString(2))));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot list the continuations in " + db, e);
    }
    return refs;
  }

  /** Every event of {@code ref}, in order. */
  public static List<EventEnvelope> events(EventLog log, ContinuationRef ref) {
    return EventLog.readAfter(log, ref.tenant(), ref.id(), 0);
  }
}
