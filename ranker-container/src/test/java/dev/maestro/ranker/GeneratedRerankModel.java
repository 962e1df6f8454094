package dev.maestro.ranker;

import dev.maestro.field.rerank.RerankFeatures;
import dev.maestro.field.rerank.RerankManifest;
import dev.maestro.policy.onnx.OnnxProto;
import java.nio.file.Path;
import java.util.Map;

/**
 * A generated plumbing fixture, not a trained model: a reranker directory whose {@code rerank.onnx}
 * is one hand-built regression tree over {@code hybrid_score} followed by a sigmoid, written here
 * with a few lines of protobuf wire format, and whose manifest is {@link RerankManifest#current}'s.
 * It exercises loading, the ONNX Runtime call and the wire contract, and says nothing about ranking
 * quality.
 *
 * <p>The tree: {@code hybrid_score <= 0.5 ? (<= 0.25 ? -2 : -1) : (<= 0.75 ? 1 : 2)}, missing
 * values going left, so the probability rises with {@code hybrid_score} in four steps: σ(-2),
 * σ(-1), σ(1), σ(2).
 */
final class GeneratedRerankModel {

  /** The one feature the tree reads. */
  static final String FEATURE = "hybrid_score";

  private GeneratedRerankModel() {}

  /** The probability the fixture answers for {@code hybridScore} (NaN: missing, goes left). */
  static double expected(double hybridScore) {
    double leaf;
    if (Double.isNaN(hybridScore) || hybridScore <= 0.5) {
      leaf = Double.isNaN(hybridScore) || hybridScore <= 0.25 ? -2 : -1;
    } else {
      leaf = hybridScore <= 0.75 ? 1 : 2;
    }
    return 1 / (1 + Math.exp(-leaf));
  }

  /** Writes the fixture into {@code dir} and returns it. */
  static Path write(Path dir) {
    RerankManifest.current(
            "binary:logistic", Map.of("fixture", "generated plumbing fixture, not trained"))
        .write(dir, onnx());
    return dir;
  }

  /** The ONNX model: input {@code features} [N, 19], output {@code probability} [N, 1]. */
  static byte[] onnx() {
    int feature = RerankFeatures.NAMES.indexOf(FEATURE);
    int nodes = 7;
    long[] ids = {0, 1, 2, 3, 4, 5, 6};
    long[] featureIds = {feature, feature, feature, 0, 0, 0, 0};
    float[] values = {0.5f, 0.25f, 0.75f, 0, 0, 0, 0};
    String[] modes = {"BRANCH_LEQ", "BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "LEAF", "LEAF", "LEAF"};
    long[] trueIds = {1, 3, 5, 0, 0, 0, 0};
    long[] falseIds = {2, 4, 6, 0, 0, 0, 0};
    long[] missingTrue = {1, 1, 1, 0, 0, 0, 0};
    OnnxProto tree =
        new OnnxProto()
            .string(1, "features")
            .string(2, "margin")
            .string(3, "tree")
            .string(4, "TreeEnsembleRegressor")
            .string(7, "ai.onnx.ml")
            .message(5, intAttr("n_targets", 1))
            .message(5, stringAttr("post_transform", "NONE"))
            .message(5, intsAttr("nodes_treeids", new long[nodes]))
            .message(5, intsAttr("nodes_nodeids", ids))
            .message(5, intsAttr("nodes_featureids", featureIds))
            .message(5, floatsAttr("nodes_values", values))
            .message(5, stringsAttr("nodes_modes", modes))
            .message(5, intsAttr("nodes_truenodeids", trueIds))
            .message(5, intsAttr("nodes_falsenodeids", falseIds))
            .message(5, intsAttr("nodes_missing_value_tracks_true", missingTrue))
            .message(5, intsAttr("target_treeids", new long[4]))
            .message(5, intsAttr("target_nodeids", new long[] {3, 4, 5, 6}))
            .message(5, intsAttr("target_ids", new long[4]))
            .message(5, floatsAttr("target_weights", new float[] {-2, -1, 1, 2}));
    OnnxProto sigmoid =
        new OnnxProto()
            .string(1, "margin")
            .string(2, "probability")
            .string(3, "sigmoid")
            .string(4, "Sigmoid");
    OnnxProto graph =
        new OnnxProto()
            .message(1, tree)
            .message(1, sigmoid)
            .string(2, "generated-rerank-fixture")
            .message(11, tensor("features", RerankFeatures.COUNT))
            .message(12, tensor("probability", 1));
    return new OnnxProto()
        .varint(1, 8)
        .string(2, "maestro ranker-container test fixture")
        .message(7, graph)
        .message(8, new OnnxProto().string(1, "").varint(2, 13))
        .message(8, new OnnxProto().string(1, "ai.onnx.ml").varint(2, 3))
        .bytes();
  }

  /** A float tensor value-info {@code name} of shape [N, width]. */
  private static OnnxProto tensor(String name, int width) {
    OnnxProto shape =
        new OnnxProto()
            .message(1, new OnnxProto().string(2, "N"))
            .message(1, new OnnxProto().varint(1, width));
    OnnxProto tensorType = new OnnxProto().varint(1, 1).message(2, shape);
    return new OnnxProto().string(1, name).message(2, new OnnxProto().message(1, tensorType));
  }

  private static OnnxProto intAttr(String name, long v) {
    return new OnnxProto().string(1, name).varint(20, 2).varint(3, v);
  }

  private static OnnxProto stringAttr(String name, String v) {
    return new OnnxProto().string(1, name).varint(20, 3).string(4, v);
  }

  private static OnnxProto intsAttr(String name, long[] vs) {
    OnnxProto p = new OnnxProto().string(1, name).varint(20, 7);
    for (long v : vs) p.varint(8, v);
    return p;
  }

  private static OnnxProto floatsAttr(String name, float[] vs) {
    OnnxProto p = new OnnxProto().string(1, name).varint(20, 6);
    for (float v : vs) p.float32(7, v);
    return p;
  }

  private static OnnxProto stringsAttr(String name, String[] vs) {
    OnnxProto p = new OnnxProto().string(1, name).varint(20, 8);
    for (String v : vs) p.string(9, v);
    return p;
  }

  /** The protobuf wire format, just what an ONNX model needs (unpacked repeated fields). */
}
