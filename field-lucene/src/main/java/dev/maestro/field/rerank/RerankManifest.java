package dev.maestro.field.rerank;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rerank-manifest.json}: what a trained reranker in a directory is, beside its {@code
 * rerank.onnx}.
 *
 * @param format the manifest format ({@link #FORMAT})
 * @param featureVersion the {@link RerankFeatures#VERSION} the model was trained on
 * @param features the feature names, in vector order
 * @param model the ONNX file's name in the directory
 * @param objective the training objective (e.g. {@code binary:logistic})
 * @param training how it was trained and what it measured (free form)
 */
public record RerankManifest(
    int format,
    int featureVersion,
    List<String> features,
    String model,
    String objective,
    Map<String, Object> training) {

  /** The manifest's file name. */
  public static final String FILE = "rerank-manifest.json";

  /** The model's default file name. */
  public static final String MODEL = "rerank.onnx";

  /** The manifest format written. */
  public static final int FORMAT = 1;

  /** Compact constructor: defensive copies. */
  public RerankManifest {
    features = List.copyOf(features);
    training = training == null ? Map.of() : new LinkedHashMap<>(training);
  }

  /** A manifest for the current feature encoding. */
  public static RerankManifest current(String objective, Map<String, Object> training) {
    return new RerankManifest(
        FORMAT, RerankFeatures.VERSION, RerankFeatures.NAMES, MODEL, objective, training);
  }

  /**
   * Reads the manifest in {@code dir}.
   *
   * @throws IllegalArgumentException if it is missing or malformed
   */
  public static RerankManifest read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          dir + " holds no " + FILE + " (train one with maestro train-reranker)");
    }
    JsonNode n;
    try {
      n = Json.tree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not JSON: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode f : n.path("features")) names.add(f.asText());
    @SuppressWarnings("unchecked")
    Map<String, Object> training =
        n.has("training") ? Json.convert(n.get("training"), Map.class) : Map.of();
    return new RerankManifest(
        n.path("format").asInt(-1),
        n.path("featureVersion").asInt(-1),
        names,
        n.path("model").asText(MODEL),
        n.path("objective").asText(""),
        training);
  }

  /**
   * Checks that this manifest describes a model the current encoding can feed.
   *
   * @throws IllegalArgumentException naming what differs
   */
  public void requireCompatible(Path dir) {
    if (format != FORMAT) {
      throw new IllegalArgumentException(
          dir + ": reranker manifest format " + format + ", this build reads " + FORMAT);
    }
    if (featureVersion != RerankFeatures.VERSION) {
      throw new IllegalArgumentException(
          dir
              + ": the reranker was trained on rerank features v"
              + featureVersion
              + ", this build computes v"
              + RerankFeatures.VERSION
              + "; retrain it with maestro train-reranker");
    }
    if (!features.equals(RerankFeatures.NAMES)) {
      throw new IllegalArgumentException(
          dir
              + ": the reranker's features "
              + features
              + " are not this build's "
              + RerankFeatures.NAMES
              + "; retrain it with maestro train-reranker");
    }
  }

  /** Writes this manifest and {@code onnx} into {@code dir} (created if needed). */
  public void write(Path dir, byte[] onnx) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(model), onnx);
      Files.writeString(
          dir.resolve(FILE),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reranker to " + dir, e);
    }
  }
}
