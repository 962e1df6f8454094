package dev.maestro.ranker;

import dev.maestro.core.api.ApiResponse;
import dev.maestro.core.api.Problems;
import dev.maestro.core.error.InvalidInputException;
import dev.maestro.field.rerank.LearnedReranker;
import dev.maestro.field.rerank.RerankManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reranker behind every entry point (the HTTP controller, the Lambda handler): one {@link
 * LearnedReranker} loaded once per container, a {@code POST /rerank} body in, a JSON or
 * problem+json response out. Framework-free, so each adapter stays a thin translation.
 *
 * <p>A client's mistake is a 400 naming the field; only a failure of the model itself is a 500,
 * whose body says nothing about the cause (it is logged). Thread-safe: ONNX Runtime sessions are.
 */
public final class RerankService implements AutoCloseable {

  /** The default ceiling on candidates per request. */
  public static final int DEFAULT_MAX_CANDIDATES = 1000;

  private static final Logger LOG = Logger.getLogger(RerankService.class.getName());
  private static final String RERANK = "/rerank";

  private final LearnedReranker reranker;
  private final String version;
  private final int maxCandidates;

  private RerankService(LearnedReranker reranker, String version, int maxCandidates) {
    this.reranker = reranker;
    this.version = version;
    this.maxCandidates = maxCandidates;
  }

  /**
   * Loads the reranker in {@code dir} ({@code rerank-manifest.json} and its ONNX file, as {@code
   * maestro train-reranker} writes them).
   *
   * @param maxCandidates the most candidates one request may carry (at least 1)
   * @throws IllegalArgumentException if {@code dir} holds no reranker this build can feed
   */
  public static RerankService load(Path dir, int maxCandidates) {
    if (maxCandidates < 1) {
      throw new IllegalArgumentException("maxCandidates must be at least 1, got " + maxCandidates);
    }
    LearnedReranker reranker = LearnedReranker.load(dir, documentId -> 0);
    String version = version(dir.resolve(reranker.manifest().model()));
    LOG.info(() -> "loaded reranker " + version + " from " + dir);
    return new RerankService(reranker, version, maxCandidates);
  }

  /**
   * The model's version: {@code sha256:} and the first 12 hex digits of its ONNX file, so two
   * containers report the same version exactly when they score with the same trees.
   */
  public String version() {
    return version;
  }

  /** The loaded manifest (feature version, feature names, objective, training record). */
  public RerankManifest manifest() {
    return reranker.manifest();
  }

  /** The most candidates one request may carry. */
  public int maxCandidates() {
    return maxCandidates;
  }

  /**
   * Scores one {@code POST /rerank} body: {@code {"model", "scores", "order", "elapsedMs"}}, the
   * scores in request order and {@code order} the ids (or row indexes) best first, ties in request
   * order. Never throws.
   */
  public ApiResponse rerank(String body) {
    long start = System.nanoTime();
    RerankRequest request;
    try {
      request = RerankRequest.parse(body, maxCandidates);
    } catch (InvalidInputException e) {
      return Problems.of(e, RERANK, false);
    }
    double[] scores;
    try {
      scores = reranker.predict(request.rows());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "reranker " + version + " failed to score a batch", e);
      return Problems.internalError(RERANK);
    }
    var out = new LinkedHashMap<String, Object>();
    out.put("model", version);
    out.put("scores", scores);
    out.put("order", order(scores, request.ids()));
    out.put("elapsedMs", Math.round((System.nanoTime() - start) / 1_000.0) / 1_000.0);
    return ApiResponse.json(200, out);
  }

  /** The health document: status, model version, feature version and names, request ceiling. */
  public ApiResponse health() {
    RerankManifest m = reranker.manifest();
    var out = new LinkedHashMap<String, Object>();
    out.put("status", "UP");
    out.put("model", version);
    out.put("featureVersion", m.featureVersion());
    out.put("features", m.features());
    out.put("objective", m.objective());
    out.put("maxCandidates", maxCandidates);
    return ApiResponse.json(200, out);
  }

  /** Ids (or row indexes) by descending score, ties in request order. */
  static List<Object> order(double[] scores, List<String> ids) {
    List<Integer> idx = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) idx.add(i);
    idx.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    List<Object> out = new ArrayList<>(scores.length);
    for (int i : idx) out.add(ids == null ? i : ids.get(i));
    return out;
  }

  private static String version(Path onnx) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(onnx));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + onnx, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  @Override
  public void close() {
    reranker.close();
  }
}
