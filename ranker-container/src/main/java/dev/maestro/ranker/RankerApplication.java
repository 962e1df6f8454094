package dev.maestro.ranker;

import io.micronaut.runtime.Micronaut;

/**
 * Starts the reranker's HTTP server (Netty, port {@code micronaut.server.port}, default 8080; the
 * {@code PORT} environment variable sets it in the container image).
 */
public final class RankerApplication {

  private RankerApplication() {}

  /** Runs the server until the process is stopped. */
  public static void main(String[] args) {
    Micronaut.run(RankerApplication.class, args);
  }
}
