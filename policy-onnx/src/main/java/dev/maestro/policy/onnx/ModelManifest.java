package dev.maestro.policy.onnx;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code manifest.json}, written next to the ONNX files by {@code maestro policy train}: the
 * model's version, the feature encoding it was trained on and, per dimension ({@code route}, {@code
 * branch}), its file, feature names and holdout figures.
 *
 * @param format the manifest format ({@link #FORMAT})
 * @param version the model's version, recorded with every shadow score
 * @param featureVersion the {@link dev.maestro.core.policy.learned.PolicyFeatures#VERSION} trained
 *     on
 * @param trainedAt when training finished
 * @param routeThreshold the pass probability a cheaper tier must reach to be suggested
 * @param dimensions per dimension name
 * @param training where the training data came from, as the trainer describes it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
    int format,
    String version,
    int featureVersion,
    Instant trainedAt,
    double routeThreshold,
    Map<String, Dimension> dimensions,
    Map<String, Object> training) {

  /** The manifest format this build reads and writes. */
  public static final int FORMAT = 1;

  /** The file name. */
  public static final String FILE = "manifest.json";

  public ModelManifest {
    Objects.requireNonNull(version, "version");
    dimensions = dimensions == null ? Map.of() : Map.copyOf(dimensions);
    training = training == null ? Map.of() : Map.copyOf(training);
  }

  /**
   * One trained classifier.
   *
   * @param file the ONNX file, relative to the manifest
   * @param features the feature names, in vector order
   * @param trainRows rows trained on
   * @param holdoutRows rows held out
   * @param holdoutAuc the area under the ROC curve on the held-out rows
   * @param positiveRate the fraction of positive labels in the training rows
   * @param trees boosting rounds
   * @param maxDepth the trees' maximum depth
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dimension(
      String file,
      List<String> features,
      long trainRows,
      long holdoutRows,
      double holdoutAuc,
      double positiveRate,
      int trees,
      int maxDepth) {
    public Dimension {
      Objects.requireNonNull(file, "file");
      features = List.copyOf(features);
    }
  }
}
