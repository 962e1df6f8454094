package dev.maestro.ranker;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import java.nio.file.Path;

/**
 * Builds the container's one {@link RerankService} at start-up (eagerly: a Lambda init phase or a
 * container start loads the model, never the first request), and closes it on shutdown.
 *
 * <p>Settings (Micronaut properties; the environment variable in brackets sets each):
 *
 * <ul>
 *   <li>{@code maestro.reranker.dir} ({@code MAESTRO_RERANKER_DIR}): the model directory, default
 *       {@value #DEFAULT_DIR};
 *   <li>{@code maestro.reranker.max-candidates} ({@code MAESTRO_RERANKER_MAX_CANDIDATES}): the most
 *       candidates per request, default {@value RerankService#DEFAULT_MAX_CANDIDATES}.
 * </ul>
 */
@Factory
public class RerankerFactory {

  /** Where the container images put the model. */
  public static final String DEFAULT_DIR = "/opt/maestro/reranker";

  /** The factory Micronaut instantiates. */
  public RerankerFactory() {}

  /**
   * The reranker service, loaded once.
   *
   * @throws IllegalArgumentException (failing start-up) if the directory holds no usable reranker
   */
  @Context
  @Bean(preDestroy = "close")
  public RerankService rerankService(
      @Value("${maestro.reranker.dir:" + DEFAULT_DIR + "}") String dir,
      @Value("${maestro.reranker.max-candidates:" + RerankService.DEFAULT_MAX_CANDIDATES + "}")
          int maxCandidates) {
    return RerankService.load(Path.of(dir), maxCandidates);
  }
}
