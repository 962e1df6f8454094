package dev.maestro.eval.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maestro.policy.onnx.OnnxModel;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ONNX Runtime scores the exported ensemble as XGBoost predicts, missing values included. */
class OnnxTreeExportTest {

  private static final int FEATURES = 6;
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void givenRowsWithMissingFeatures_whenExported_thenOnnxRuntimeMatchesXgboostTo1e5() {
    var r = new SplittableRandom(7);
    List<float[]> x = new ArrayList<>();
    List<Float> y = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      float[] row = new float[FEATURES];
      for (int f = 0; f < FEATURES; f++) {
        row[f] = r.nextDouble() < 0.2 ? Float.NaN : (f < 2 ? r.nextInt(4) : (float) r.nextDouble());
      }
      double logit =
          (Float.isNaN(row[0]) ? 0.5 : row[0] - 1.5)
              + 3 * (Float.isNaN(row[2]) ? -0.3 : row[2] - 0.5)
              - 2 * (Float.isNaN(row[3]) ? 0.2 : row[3]);
      x.add(row);
      y.add(r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f);
      groups.add(i);
    }
    var rows = new DecisionDataset.Rows(x, y, groups);
    var settings = new Trainer.Settings(40, 5, 3, 0.25);
    boolean[] holdout = Trainer.split(x.size(), 0.25, 3);
    Trainer.Trained trained =
        Trainer.trainDimension("test", rows, FEATURES, holdout, settings, QUIET);
    try (OnnxModel onnx = OnnxModel.load(trained.onnx(), FEATURES, "test")) {
      float[][] held = trained.holdoutFeatures();
      assertThat(Arrays.stream(held).anyMatch(row -> hasNaN(row))).isTrue();
      assertParity(trained, onnx, held);

      float[][] allMissing = new float[5][FEATURES];
      for (float[] row : allMissing) Arrays.fill(row, Float.NaN);
      assertParity(trained, onnx, allMissing);
    } finally {
      trained.booster().dispose();
    }
    assertThat(trained.dimension().holdoutAuc()).isGreaterThan(0.6);
  }

  static void assertParity(Trainer.Trained trained, OnnxModel onnx, float[][] rows) {
    double[] expected = Trainer.predict(trained.booster(), rows, rows[0].length);
    double[] actual = onnx.predict(rows);
    for (int i = 0; i < rows.length; i++) {
      assertThat(actual[i])
          .as("row %d %s", i, Arrays.toString(rows[i]))
          .isCloseTo(expected[i], within(1e-5));
    }
  }

  private static boolean hasNaN(float[] row) {
    for (float v : row) if (Float.isNaN(v)) return true;
    return false;
  }
}
