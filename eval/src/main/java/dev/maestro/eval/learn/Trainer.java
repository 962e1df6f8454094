package dev.maestro.eval.learn;

import dev.maestro.core.json.Json;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.policy.onnx.LearnedPolicies;
import dev.maestro.policy.onnx.ModelManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains the learned policy from a {@link DecisionDataset}: one XGBoost binary:logistic classifier
 * per dimension, on a split by continuation (every row of a continuation is on one side, so the
 * holdout measures continuations never seen), reports the holdout AUC and writes {@code
 * route.onnx}, {@code branch.onnx} and {@code manifest.json} in the layout {@link
 * LearnedPolicies#load} reads.
 */
public final class Trainer {

  /** The learning rate. */
  public static final double ETA = 0.1;

  /**
   * How to train.
   *
   * @param trees boosting rounds per dimension
   * @param maxDepth the trees' maximum depth
   * @param seed seeds the split and the booster
   * @param holdout the share of continuations held out
   */
  public record Settings(int trees, int maxDepth, long seed, double holdout) {
    public Settings {
      if (trees < 1) throw new IllegalArgumentException("trees must be >= 1");
      if (maxDepth < 1 || maxDepth > 16) throw new IllegalArgumentException("depth: 1 to 16");
      if (!(holdout > 0 && holdout < 1)) throw new IllegalArgumentException("holdout: 0 to 1");
    }
  }

  /**
   * One trained dimension.
   *
   * @param booster the XGBoost model (close it when done)
   * @param onnx the exported ONNX graph
   * @param holdoutFeatures the held-out rows
   * @param holdoutLabels their labels
   * @param dimension the manifest entry
   */
  public record Trained(
      Booster booster,
      byte[] onnx,
      float[][] holdoutFeatures,
      float[] holdoutLabels,
      ModelManifest.Dimension dimension) {}

  /**
   * A training run's output.
   *
   * @param manifest what was written to {@code manifest.json}
   * @param route the route dimension
   * @param branch the branch dimension
   */
  public record Result(ModelManifest manifest, Trained route, Trained branch) {}

  private Trainer() {}

  /**
   * Trains both dimensions on {@code data} and writes the model to {@code out}, reporting progress
   * to {@code progress}; {@code source} describes the data in the manifest.
   */
  public static Result train(
      DecisionDataset data,
      Settings s,
      Path out,
      Map<String, Object> source,
      PrintStream progress) {
    long start = System.nanoTime();
    boolean[] holdout = split(data.continuations().size(), s.holdout(), s.seed());
    Trained route =
        trainDimension(
            LearnedPolicies.ROUTE, data.route(), PolicyFeatures.ROUTE.size(), holdout, s, progress);
    Trained branch =
        trainDimension(
            LearnedPolicies.BRANCH,
            data.branch(),
            PolicyFeatures.BRANCH.size(),
            holdout,
            s,
            progress);
    Instant trainedAt = Instant.now();
    var training = new LinkedHashMap<String, Object>(source);
    training.put("continuations", data.continuations().size());
    training.put("decisions", data.decisions());
    training.put("decisionsWithInput", data.decisionsWithInput());
    training.put("holdoutShare", s.holdout());
    training.put("split", "by continuation");
    training.put("seed", s.seed());
    training.put("objective", "binary:logistic");
    training.put("eta", ETA);
    training.put("trainer", "xgboost4j " + xgboostVersion());
    training.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    String version =
        "v1-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(trainedAt);
    var manifest =
        new ModelManifest(
            ModelManifest.FORMAT,
            version,
            PolicyFeatures.VERSION,
            trainedAt,
            LearnedPolicy.DEFAULT_ROUTE_THRESHOLD,
            Map.of(
                LearnedPolicies.ROUTE,
                route.dimension(),
                LearnedPolicies.BRANCH,
                branch.dimension()),
            training);
    write(out, manifest, route.onnx(), branch.onnx());
    progress.printf(
        "train: wrote %s (route AUC %.3f, branch AUC %.3f)%n",
        out, route.dimension().holdoutAuc(), branch.dimension().holdoutAuc());
    return new Result(manifest, route, branch);
  }

  /**
   * Trains one dimension on {@code rows}, holding out the rows of continuations flagged in {@code
   * holdout}.
   */
  public static Trained trainDimension(
      String name,
      DecisionDataset.Rows rows,
      int featureCount,
      boolean[] holdout,
      Settings s,
      PrintStream progress) {
    var trainX = new ArrayList<float[]>();
    var trainY = new ArrayList<Float>();
    var testX = new ArrayList<float[]>();
    var testY = new ArrayList<Float>();
    for (int i = 0; i < rows.size(); i++) {
      boolean held = holdout[rows.groups().get(i)];
      (held ? testX : trainX).add(rows.features().get(i));
      (held ? testY : trainY).add(rows.labels().get(i));
    }
    if (trainX.isEmpty() || testX.isEmpty()) {
      throw new IllegalArgumentException(name + ": too few rows to train and hold out");
    }
    float[][] holdoutFeatures = testX.toArray(float[][]::new);
    float[] holdoutLabels = toArray(testY);
    try {
      DMatrix train = matrix(trainX, featureCount);
      train.setLabel(toArray(trainY));
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("eta", ETA);
      params.put("max_depth", s.maxDepth());
      params.put("tree_method", "hist");
      params.put("nthread", Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
      params.put("seed", s.seed());
      params.put("verbosity", 0);
      Booster booster = XGBoost.train(train, params, 0, Map.of(), null, null);
      int every = Math.max(1, s.trees() / 10);
      for (int round = 0; round < s.trees(); round++) {
        booster.update(train, round);
        if ((round + 1) % every == 0 || round + 1 == s.trees()) {
          progress.printf("train %s: %d/%d rounds%n", name, round + 1, s.trees());
        }
      }
      train.dispose();
      double auc = Auc.of(predict(booster, holdoutFeatures, featureCount), holdoutLabels);
      byte[] onnx = OnnxTreeExport.toOnnx(booster.toByteArray("json"), featureCount, name);
      progress.printf(
          "train %s: %,d train rows, %,d holdout rows, holdout AUC %.4f%n",
          name, trainX.size(), testX.size(), auc);
      var dimension =
          new ModelManifest.Dimension(
              name + ".onnx",
              name.equals(LearnedPolicies.ROUTE) ? PolicyFeatures.ROUTE : PolicyFeatures.BRANCH,
              trainX.size(),
              testX.size(),
              Math.round(auc * 10_000) / 10_000.0,
              Math.round(mean(trainY) * 10_000) / 10_000.0,
              s.trees(),
              s.maxDepth());
      return new Trained(booster, onnx, holdoutFeatures, holdoutLabels, dimension);
    } catch (XGBoostError e) {
      throw new IllegalStateException(name + ": XGBoost failed: " + e.getMessage(), e);
    }
  }

  /** XGBoost's probabilities for {@code rows} ({@code NaN} = missing). */
  public static double[] predict(Booster booster, float[][] rows, int featureCount) {
    try {
      DMatrix m = matrix(List.of(rows), featureCount);
      float[][] p = booster.predict(m);
      m.dispose();
      double[] out = new double[p.length];
      for (int i = 0; i < p.length; i++) out[i] = p[i][0];
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed to predict: " + e.getMessage(), e);
    }
  }

  /** Which of {@code groups} continuations are held out: a seeded shuffle's first share. */
  static boolean[] split(int groups, double share, long seed) {
    int[] order = new int[groups];
    for (int i = 0; i < groups; i++) order[i] = i;
    var r = new SplittableRandom(seed);
    for (int i = groups - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] held = new boolean[groups];
    int n = (int) Math.round(groups * share);
    for (int i = 0; i < n; i++) held[order[i]] = true;
    return held;
  }

  private static DMatrix matrix(List<float[]> rows, int featureCount) throws XGBoostError {
    float[] flat = new float[rows.size() * featureCount];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, flat, i * featureCount, featureCount);
    }
    return new DMatrix(flat, rows.size(), featureCount, Float.NaN);
  }

  private static void write(Path out, ModelManifest manifest, byte[] route, byte[] branch) {
    try {
      Files.createDirectories(out);
      Files.write(out.resolve(LearnedPolicies.ROUTE + ".onnx"), route);
      Files.write(out.resolve(LearnedPolicies.BRANCH + ".onnx"), branch);
      Files.writeString(
          out.resolve(ModelManifest.FILE),
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to " + out, e);
    }
  }

  private static String xgboostVersion() {
    Package p = XGBoost.class.getPackage();
    return p != null && p.getImplementationVersion() != null
        ? p.getImplementationVersion()
        : "3.0.4";
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = values.get(i);
    return out;
  }

  private static double mean(List<Float> values) {
    double sum = 0;
    for (float v : values) sum += v;
    return values.isEmpty() ? 0 : sum / values.size();
  }
}
