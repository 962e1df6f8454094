package dev.maestro.policy.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the learned policy with ONNX Runtime: the shipped model, a model directory, and every way
 * a directory can fail to hold a model this build can score.
 */
class LearnedPoliciesTest {

  @TempDir Path dir;

  /** A copy of the shipped model in {@link #dir}, with the manifest edited by {@code edit}. */
  private Path copy(java.util.function.Consumer<ObjectNode> edit) throws Exception {
    for (String f : List.of("manifest.json", "route.onnx", "branch.onnx")) {
      try (var in =
          LearnedPolicies.class.getResourceAsStream(LearnedPolicies.DEFAULT_RESOURCE + f)) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    ObjectNode manifest = (ObjectNode) Json.tree(Files.readString(dir.resolve("manifest.json")));
    edit.accept(manifest);
    Files.writeString(dir.resolve("manifest.json"), Json.write(manifest));
    return dir;
  }

  @Test
  void givenTheShippedModel_whenLoaded_thenItScoresProbabilitiesForBothDimensions() {
    LearnedPolicy p = LearnedPolicies.loadDefault().orElseThrow();
    ModelManifest m = LearnedPolicies.defaultManifest().orElseThrow();

    float[] row = new float[PolicyFeatures.ROUTE.size()];
    java.util.Arrays.fill(row, Float.NaN);
    row[PolicyFeatures.ROUTE.indexOf("candidate_tier")] = 1;
    double[] route = p.route().predict(new float[][] {row, row.clone()});
    double[] branch = p.branch().predict(new float[][] {new float[PolicyFeatures.BRANCH.size()]});

    assertThat(p.version()).isEqualTo(m.version());
    assertThat(m.dimensions()).containsOnlyKeys("route", "branch");
    assertThat(m.dimensions().get("route").holdoutAuc()).isGreaterThan(0.6);
    assertThat(route).hasSize(2);
    for (double v : route) assertThat(v).isBetween(0.0, 1.0);
    assertThat(route[0]).isEqualTo(route[1]);
    assertThat(branch[0]).isBetween(0.0, 1.0);
    assertThat(p.route().predict(new float[0][])).isEmpty();
  }

  @Test
  void givenAModelDirectory_whenLoaded_thenItScoresLikeTheSameModelFromTheJar() throws Exception {
    LearnedPolicy fromDir = LearnedPolicies.load(copy(m -> {}));
    LearnedPolicy fromJar = LearnedPolicies.loadDefault().orElseThrow();
    float[][] rows = new float[20][PolicyFeatures.ROUTE.size()];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) rows[i][j] = (i * 31 + j * 7) % 11 / 3f;
    }

    assertThat(fromDir.route().predict(rows)).containsExactly(fromJar.route().predict(rows));
  }

  @Test
  void givenManyThreads_whenScoringTheSameRows_thenEveryThreadGetsTheSameAnswer() throws Exception {
    LearnedPolicy p = LearnedPolicies.loadDefault().orElseThrow();
    float[][] rows = new float[8][PolicyFeatures.ROUTE.size()];
    for (int i = 0; i < rows.length; i++) rows[i][PolicyFeatures.ROUTE.size() - 1] = i % 3;
    double[] expected = p.route().predict(rows);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      var futures = new ArrayList<Future<double[]>>();
      for (int t = 0; t < 200; t++) futures.add(pool.submit(() -> p.route().predict(rows)));
      for (Future<double[]> f : futures) assertThat(f.get()).containsExactly(expected);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void givenARowOfTheWrongWidth_whenScored_thenTheErrorNamesBothWidths() {
    LearnedPolicy p = LearnedPolicies.loadDefault().orElseThrow();

    assertThatThrownBy(() -> p.route().predict(new float[][] {new float[3]}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 features")
        .hasMessageContaining(String.valueOf(PolicyFeatures.ROUTE.size()));
  }

  @Test
  void givenNoManifest_whenLoaded_thenTheErrorSaysHowToTrainOne() {
    assertThatThrownBy(() -> LearnedPolicies.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifest.json does not exist")
        .hasMessageContaining("maestro policy train");
  }

  @Test
  void givenAnotherFeatureEncoding_whenLoaded_thenItIsRefusedWithTheVersions() throws Exception {
    Path d = copy(m -> m.put("featureVersion", PolicyFeatures.VERSION + 1));

    assertThatThrownBy(() -> LearnedPolicies.load(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature encoding " + (PolicyFeatures.VERSION + 1))
        .hasMessageContaining("retrain");
  }

  @Test
  void givenReorderedFeatureNames_whenLoaded_thenItIsRefusedNamingTheDimension() throws Exception {
    Path d =
        copy(
            m -> {
              var features =
                  (com.fasterxml.jackson.databind.node.ArrayNode)
                      m.at("/dimensions/branch/features");
              var first = features.remove(0);
              features.add(first);
            });

    assertThatThrownBy(() -> LearnedPolicies.load(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the branch features");
  }

  @Test
  void givenAFileThatIsNotAModel_whenLoaded_thenTheErrorNamesTheFile() throws Exception {
    Path d = copy(m -> {});
    Files.writeString(d.resolve("route.onnx"), "not a protobuf");

    assertThatThrownBy(() -> LearnedPolicies.load(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route.onnx")
        .hasMessageContaining("not a model ONNX Runtime can load");
  }

  @Test
  void givenAManifestInAnotherFormat_whenLoaded_thenItIsRefused() throws Exception {
    Path d = copy(m -> m.put("format", 99));

    assertThatThrownBy(() -> LearnedPolicies.load(d))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifest format 99");
  }
}
