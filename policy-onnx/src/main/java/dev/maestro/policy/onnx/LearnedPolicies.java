package dev.maestro.policy.onnx;

import dev.maestro.core.json.Json;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads the learned policy: a directory holding {@code manifest.json} and one ONNX file per
 * dimension, as {@code maestro policy train} writes it, or the default model shipped in this jar
 * (trained on simulated continuations; see {@code policy-onnx/README.md}). Every load checks the
 * manifest against this build's feature encoding, so a model is never scored on features it was not
 * trained on.
 */
public final class LearnedPolicies {

  /** Where the shipped default model lies on the class path. */
  public static final String DEFAULT_RESOURCE = "/dev/maestro/policy/v1/";

  /** The dimension names. */
  public static final String ROUTE = "route";

  /** The dimension names. */
  public static final String BRANCH = "branch";

  private LearnedPolicies() {}

  /**
   * The policy in {@code dir}.
   *
   * @throws IllegalArgumentException naming the file and the problem when the directory does not
   *     hold a model this build can score
   */
  public static LearnedPolicy load(Path dir) {
    Path manifestFile = dir.resolve(ModelManifest.FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IllegalArgumentException(
          manifestFile + " does not exist; train a model with: maestro policy train");
    }
    ModelManifest manifest = readManifest(read(manifestFile), manifestFile.toString());
    return build(
        manifest, dim -> read(dir.resolve(dim.file())), dim -> dir.resolve(dim.file()).toString());
  }

  /** The default model shipped in this jar, if the jar has one. */
  public static Optional<LearnedPolicy> loadDefault() {
    byte[] manifestBytes = resource(DEFAULT_RESOURCE + ModelManifest.FILE);
    if (manifestBytes == null) return Optional.empty();
    ModelManifest manifest = readManifest(manifestBytes, DEFAULT_RESOURCE + ModelManifest.FILE);
    return Optional.of(
        build(
            manifest,
            dim -> {
              byte[] bytes = resource(DEFAULT_RESOURCE + dim.file());
              if (bytes == null) {
                throw new IllegalArgumentException(DEFAULT_RESOURCE + dim.file() + " is missing");
              }
              return bytes;
            },
            dim -> DEFAULT_RESOURCE + dim.file()));
  }

  /** The manifest of the model in {@code dir}. */
  public static ModelManifest manifest(Path dir) {
    Path file = dir.resolve(ModelManifest.FILE);
    return readManifest(read(file), file.toString());
  }

  /** The manifest of the shipped default model, if the jar has one. */
  public static Optional<ModelManifest> defaultManifest() {
    byte[] bytes = resource(DEFAULT_RESOURCE + ModelManifest.FILE);
    return bytes == null
        ? Optional.empty()
        : Optional.of(readManifest(bytes, DEFAULT_RESOURCE + ModelManifest.FILE));
  }

  private interface Source<T> {
    T apply(ModelManifest.Dimension dimension);
  }

  private static LearnedPolicy build(
      ModelManifest manifest, Source<byte[]> bytes, Source<String> names) {
    ModelManifest.Dimension route = dimension(manifest, ROUTE, PolicyFeatures.ROUTE);
    ModelManifest.Dimension branch = dimension(manifest, BRANCH, PolicyFeatures.BRANCH);
    OnnxModel routeModel =
        OnnxModel.load(bytes.apply(route), PolicyFeatures.ROUTE.size(), names.apply(route));
    OnnxModel branchModel =
        OnnxModel.load(bytes.apply(branch), PolicyFeatures.BRANCH.size(), names.apply(branch));
    double threshold =
        manifest.routeThreshold() > 0
            ? manifest.routeThreshold()
            : LearnedPolicy.DEFAULT_ROUTE_THRESHOLD;
    return new LearnedPolicy(manifest.version(), routeModel, branchModel, threshold);
  }

  private static ModelManifest.Dimension dimension(
      ModelManifest manifest, String name, List<String> features) {
    ModelManifest.Dimension d = manifest.dimensions().get(name);
    if (d == null) {
      throw new IllegalArgumentException(
          "model " + manifest.version() + " has no " + name + " dimension");
    }
    if (!d.features().equals(features)) {
      throw new IllegalArgumentException(
          "model "
              + manifest.version()
              + ": the "
              + name
              + " features "
              + d.features()
              + " are not this build's "
              + features
              + "; retrain with: maestro policy train");
    }
    return d;
  }

  private static ModelManifest readManifest(byte[] bytes, String name) {
    ModelManifest manifest;
    try {
      manifest = Json.mapper().readValue(bytes, ModelManifest.class);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": not a model manifest: " + e.getMessage(), e);
    }
    if (manifest.format() != ModelManifest.FORMAT) {
      throw new IllegalArgumentException(
          name
              + ": manifest format "
              + manifest.format()
              + " is not the format this build reads ("
              + ModelManifest.FORMAT
              + ")");
    }
    if (manifest.featureVersion() != PolicyFeatures.VERSION) {
      throw new IllegalArgumentException(
          name
              + ": trained on feature encoding "
              + manifest.featureVersion()
              + ", this build encodes "
              + PolicyFeatures.VERSION
              + "; retrain with: maestro policy train");
    }
    return manifest;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = LearnedPolicies.class.getResourceAsStream(name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
