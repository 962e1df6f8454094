package dev.maestro.eval.rerank;

import dev.maestro.eval.learn.DecisionDataset;
import dev.maestro.eval.learn.Trainer;
import dev.maestro.field.rerank.RerankFeatures;
import dev.maestro.field.rerank.RerankTrainer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RerankTrainer} {@code bench rerank} loads when given no model: XGBoost binary:logistic
 * on the rows (every fifth held out for the AUC it prints), exported to ONNX.
 */
public final class XgboostRerankTrainer implements RerankTrainer {

  /** For reflective loading. */
  public XgboostRerankTrainer() {}

  @Override
  public byte[] train(float[][] rows, float[] labels, PrintStream progress) {
    List<float[]> x = List.of(rows);
    List<Float> y = new ArrayList<>(labels.length);
    List<Integer> groups = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      y.add(labels[i]);
      groups.add(i);
    }
    boolean[] holdout = new boolean[rows.length];
    for (int i = 0; i < holdout.length; i += 5) holdout[i] = true;
    Trainer.Trained t =
        Trainer.trainDimension(
            "rerank",
            new DecisionDataset.Rows(x, y, groups),
            RerankFeatures.COUNT,
            holdout,
            new Trainer.Settings(50, 4, 7, 0.2),
            progress);
    t.booster().dispose();
    return t.onnx();
  }

  @Override
  public String objective() {
    return "binary:logistic";
  }
}
