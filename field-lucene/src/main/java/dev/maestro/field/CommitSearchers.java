package dev.maestro.field;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;

/**
 * The searchers of one Lucene index: each search acquires the current searcher and releases it
 * afterwards, so an old reader closes only after its last search. A read-only index (what a serving
 * runtime opens while {@code maestro ingest} writes in another process) checks for a newer commit
 * at most once per reopen interval, and only when it is used; a check never blocks on another
 * thread's (that one's result serves this search too). Shared by the document index and the
 * structured index.
 */
public final class CommitSearchers {

  private final SearcherManager manager;
  private final boolean readOnly;
  private final long reopenNanos;
  private final String what;
  private volatile long lastCheck = System.nanoTime();

  /**
   * @param manager the index's searcher manager (this object closes it)
   * @param readOnly whether commits come from another writer (only then is anything reopened)
   * @param reopenInterval the least time between two checks for a newer commit
   * @param what the index's name in error messages (e.g. "field index")
   */
  public CommitSearchers(
      SearcherManager manager, boolean readOnly, Duration reopenInterval, String what) {
    this.manager = manager;
    this.readOnly = readOnly;
    this.reopenNanos = reopenInterval.toNanos();
    this.what = what;
  }

  /** The current searcher, reopened first when due; give it back with {@link #release}. */
  public IndexSearcher acquire() {
    maybeReopen();
    try {
      return manager.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException("the " + what + " cannot be searched", e);
    }
  }

  /** Gives back a searcher from {@link #acquire}. */
  public void release(IndexSearcher searcher) {
    try {
      manager.release(searcher);
    } catch (IOException e) {
      throw new UncheckedIOException("releasing a " + what + " searcher failed", e);
    }
  }

  /** Read-only: switches to a newer commit when the reopen interval has passed since the last. */
  public void maybeReopen() {
    if (!readOnly) return;
    long now = System.nanoTime();
    if (now - lastCheck < reopenNanos) return;
    lastCheck = now;
    try {
      manager.maybeRefresh();
    } catch (IOException e) {
      throw new UncheckedIOException("reopening the " + what + " failed", e);
    }
  }

  /** Read-only: checks now, whatever the interval, and switches to a newer commit; waits for it. */
  public void reopenNow() {
    if (!readOnly) return;
    lastCheck = System.nanoTime();
    try {
      manager.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("reopening the " + what + " failed", e);
    }
  }

  /** Closes the searcher manager (readers still in use close when released). */
  public void close() throws IOException {
    manager.close();
  }
}
