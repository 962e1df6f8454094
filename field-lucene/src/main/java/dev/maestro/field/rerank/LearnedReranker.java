package dev.maestro.field.rerank;

import dev.maestro.field.Candidate;
import dev.maestro.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The learned reranker: a tree ensemble trained by {@code maestro train-reranker}, exported to ONNX
 * ({@code rerank.onnx}, input {@code features}, output {@code probability}) and described by {@code
 * rerank-manifest.json}. A query's candidates are featurised by {@link RerankFeatures} and scored
 * in one ONNX Runtime call.
 */
public final class LearnedReranker implements Reranker {

  private final OnnxModel model;
  private final RerankManifest manifest;
  private final RerankFeatures features = new RerankFeatures();
  private final ToIntFunction<String> documentChunks;
  private final String name;

  private LearnedReranker(
      OnnxModel model, RerankManifest manifest, ToIntFunction<String> documentChunks, String name) {
    this.model = model;
    this.manifest = manifest;
    this.documentChunks = documentChunks;
    this.name = name;
  }

  /**
   * Loads the reranker in {@code dir}; {@code documentChunks} answers a document's chunk count
   * (e.g. {@code index::documentChunks}).
   *
   * @throws IllegalArgumentException if the directory holds no reranker, or one trained on another
   *     feature version or other features, or its model does not load
   */
  public static LearnedReranker load(Path dir, ToIntFunction<String> documentChunks) {
    RerankManifest manifest = RerankManifest.read(dir);
    manifest.requireCompatible(dir);
    Path file = dir.resolve(manifest.model());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(dir + ": cannot read " + manifest.model(), e);
    }
    String name = "reranker " + dir.getFileName();
    OnnxModel model = OnnxModel.load(bytes, RerankFeatures.COUNT, name);
    return new LearnedReranker(model, manifest, documentChunks, name);
  }

  /** The loaded manifest. */
  public RerankManifest manifest() {
    return manifest;
  }

  /** The model's scores for {@code candidates}, in their order (one ONNX Runtime call). */
  public double[] score(String query, List<Candidate> candidates) {
    if (candidates.isEmpty()) return new double[0];
    return model.predict(features.extract(query, candidates, documentChunks));
  }

  /** The model's scores for precomputed {@link RerankFeatures} rows (one ONNX Runtime call). */
  public double[] predict(float[][] rows) {
    return rows.length == 0 ? new double[0] : model.predict(rows);
  }

  @Override
  public List<Candidate> rerank(String query, List<Candidate> candidates) {
    return reorder(candidates, score(query, candidates));
  }

  /** {@code candidates} with {@code scores} attached, sorted by them (stable). */
  static List<Candidate> reorder(List<Candidate> candidates, double[] scores) {
    List<Candidate> out = new ArrayList<>(candidates.size());
    for (int i = 0; i < candidates.size(); i++) out.add(candidates.get(i).withRerank(scores[i]));
    out.sort(Comparator.comparingDouble(Candidate::rerank).reversed());
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    model.close();
  }
}
