package dev.maestro.field;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedder shared by several owners: each {@link #close()} gives one owner's share back, and
 * the last one closes the embedder it wraps.
 */
final class SharedEmbedder implements Embedder {

  private final Embedder delegate;
  private final AtomicInteger owners;
  private final AtomicBoolean closed = new AtomicBoolean();

  SharedEmbedder(Embedder delegate, int owners) {
    if (owners < 1) throw new IllegalArgumentException("owners must be >= 1: " + owners);
    this.delegate = delegate;
    this.owners = new AtomicInteger(owners);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    return delegate.embed(texts);
  }

  @Override
  public void close() {
    if (owners.decrementAndGet() == 0) closeAll();
  }

  /** Closes the embedder whatever the owners left (a source that failed half-way). */
  void closeAll() {
    if (closed.compareAndSet(false, true)) delegate.close();
  }
}
