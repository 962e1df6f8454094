package dev.maestro.local.store;

/**
 * The embedded store itself failed: an I/O error, a full disk, a corrupt or locked database file,
 * or a store that was already closed. Never a domain condition (those are {@code
 * dev.maestro.core.error} exceptions); a write that fails this way was not committed.
 */
public final class SqliteStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  SqliteStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  SqliteStoreException(String message) {
    super(message);
  }
}
