package dev.maestro.eval.learn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import dev.maestro.policy.onnx.OnnxProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a binary:logistic XGBoost model (its JSON form, {@code Booster.toByteArray("json")})
 * into the ONNX graph {@code policy-onnx} scores: input {@code features} float {@code [N, F]}, an
 * {@code ai.onnx.ml} {@code TreeEnsembleRegressor} summing the trees' leaf weights onto the base
 * margin, then a {@code Sigmoid}, output {@code probability} float {@code [N, 1]}.
 *
 * <p>Each split {@code x[f] < threshold} becomes a {@code BRANCH_LT} node whose true branch is
 * XGBoost's left child, and a missing value ({@code NaN}) follows XGBoost's default direction
 * ({@code nodes_missing_value_tracks_true} set exactly when the default is left). Thresholds and
 * leaf weights are the model's float32 values as saved, so ONNX Runtime reproduces XGBoost's
 * probabilities to float rounding. The base score, which XGBoost saves as a probability for
 * binary:logistic, enters as its logit.
 *
 * <p>The graph is written in the protobuf wire format ({@link OnnxProto}) against the field numbers
 * of {@code onnx.proto} (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto): the
 * generated ONNX classes at hand need a newer protobuf runtime than this module's class path holds.
 */
public final class OnnxTreeExport {

  /** The IR version written (ONNX 1.13; ONNX Runtime 1.29 reads it). */
  public static final long IR_VERSION = 8;

  /** The default-domain opset imported. */
  public static final long OPSET = 17;

  /** The {@code ai.onnx.ml} opset imported (TreeEnsembleRegressor with float attributes). */
  public static final long ML_OPSET = 3;

  private OnnxTreeExport() {}

  /** A parsed tree ensemble: the base margin and the trees. */
  record Ensemble(double baseMargin, int featureCount, List<Tree> trees) {}

  /** One tree in XGBoost's JSON array form; a leaf has {@code left == -1}. */
  record Tree(int[] left, int[] right, int[] feature, float[] condition, boolean[] defaultLeft) {}

  /**
   * The ONNX model bytes for the XGBoost JSON model {@code xgboostJson}, taking {@code
   * featureCount} features, named {@code name}.
   *
   * @throws IllegalArgumentException if the model is not a binary:logistic tree ensemble
   */
  public static byte[] toOnnx(byte[] xgboostJson, int featureCount, String name) {
    return build(parse(xgboostJson, featureCount), name);
  }

  /** Parses the XGBoost JSON model. */
  static Ensemble parse(byte[] xgboostJson, int featureCount) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(new String(xgboostJson, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("not an XGBoost JSON model", e);
    }
    JsonNode learner = root.path("learner");
    String objective = learner.path("objective").path("name").asText();
    if (!"binary:logistic".equals(objective)) {
      throw new IllegalArgumentException(
          "only binary:logistic models export; this is " + objective);
    }
    double baseScore = number(learner.path("learner_model_param").path("base_score"));
    if (!(baseScore > 0 && baseScore < 1)) {
      throw new IllegalArgumentException("base_score " + baseScore + " is not a probability");
    }
    JsonNode model = learner.path("gradient_booster").path("model");
    if (!"gbtree".equals(learner.path("gradient_booster").path("name").asText())) {
      throw new IllegalArgumentException("only gbtree boosters export");
    }
    var trees = new ArrayList<Tree>();
    for (JsonNode t : model.path("trees")) {
      int[] left = ints(t.path("left_children"));
      int[] right = ints(t.path("right_children"));
      int[] feature = ints(t.path("split_indices"));
      float[] condition = floats(t.path("split_conditions"));
      JsonNode dl = t.path("default_left");
      boolean[] defaultLeft = new boolean[left.length];
      for (int i = 0; i < left.length; i++) {
        JsonNode v = dl.get(i);
        defaultLeft[i] = v.isBoolean() ? v.booleanValue() : v.asInt() != 0;
      }
      for (int i = 0; i < left.length; i++) {
        if (left[i] != -1 && (feature[i] < 0 || feature[i] >= featureCount)) {
          throw new IllegalArgumentException("a split uses feature " + feature[i]);
        }
      }
      JsonNode types = t.path("split_type");
      for (JsonNode ty : types) {
        if (ty.asInt() != 0) throw new IllegalArgumentException("categorical splits do not export");
      }
      trees.add(new Tree(left, right, feature, condition, defaultLeft));
    }
    double margin = Math.log(baseScore / (1 - baseScore));
    return new Ensemble(margin, featureCount, trees);
  }

  /** The ONNX {@code ModelProto} bytes of {@code e}. */
  static byte[] build(Ensemble e, String name) {
    var treeIds = new ArrayList<Long>();
    var nodeIds = new ArrayList<Long>();
    var featureIds = new ArrayList<Long>();
    var modes = new ArrayList<String>();
    var values = new ArrayList<Float>();
    var trueIds = new ArrayList<Long>();
    var falseIds = new ArrayList<Long>();
    var missingTrue = new ArrayList<Long>();
    var targetTree = new ArrayList<Long>();
    var targetNode = new ArrayList<Long>();
    var targetIds = new ArrayList<Long>();
    var targetWeights = new ArrayList<Float>();
    for (int t = 0; t < e.trees().size(); t++) {
      Tree tree = e.trees().get(t);
      for (int n = 0; n < tree.left().length; n++) {
        treeIds.add((long) t);
        nodeIds.add((long) n);
        if (tree.left()[n] == -1) {
          featureIds.add(0L);
          modes.add("LEAF");
          values.add(0f);
          trueIds.add(0L);
          falseIds.add(0L);
          missingTrue.add(0L);
          targetTree.add((long) t);
          targetNode.add((long) n);
          targetIds.add(0L);
          targetWeights.add(tree.condition()[n]); // a leaf's weight, in the JSON model's arrays
        } else {
          featureIds.add((long) tree.feature()[n]);
          modes.add("BRANCH_LT");
          values.add(tree.condition()[n]);
          trueIds.add((long) tree.left()[n]);
          falseIds.add((long) tree.right()[n]);
          missingTrue.add(tree.defaultLeft()[n] ? 1L : 0L);
        }
      }
    }
    byte[] ensemble =
        new OnnxProto()
            .string(1, "features") // NodeProto.input
            .string(2, "margin") // NodeProto.output
            .string(3, "trees") // NodeProto.name
            .string(4, "TreeEnsembleRegressor") // NodeProto.op_type
            .bytes(5, ints("nodes_treeids", treeIds)) // NodeProto.attribute
            .bytes(5, ints("nodes_nodeids", nodeIds))
            .bytes(5, ints("nodes_featureids", featureIds))
            .bytes(5, strings("nodes_modes", modes))
            .bytes(5, floats("nodes_values", values))
            .bytes(5, ints("nodes_truenodeids", trueIds))
            .bytes(5, ints("nodes_falsenodeids", falseIds))
            .bytes(5, ints("nodes_missing_value_tracks_true", missingTrue))
            .bytes(5, ints("target_treeids", targetTree))
            .bytes(5, ints("target_nodeids", targetNode))
            .bytes(5, ints("target_ids", targetIds))
            .bytes(5, floats("target_weights", targetWeights))
            .bytes(5, floats("base_values", List.of((float) e.baseMargin())))
            .bytes(
                5, new OnnxProto().string(1, "n_targets").varint(3, 1).varint(20, ATTR_INT).bytes())
            .bytes(5, string("aggregate_function", "SUM"))
            .bytes(5, string("post_transform", "NONE"))
            .string(7, "ai.onnx.ml") // NodeProto.domain
            .bytes();
    byte[] sigmoid =
        new OnnxProto()
            .string(1, "margin")
            .string(2, "probability")
            .string(3, "sigmoid")
            .string(4, "Sigmoid")
            .bytes();
    byte[] graph =
        new OnnxProto()
            .bytes(1, ensemble) // GraphProto.node
            .bytes(1, sigmoid)
            .string(2, name) // GraphProto.name
            .bytes(11, tensor("features", e.featureCount())) // GraphProto.input
            .bytes(12, tensor("probability", 1)) // GraphProto.output
            .bytes();
    return new OnnxProto()
        .varint(1, IR_VERSION) // ModelProto.ir_version
        .string(2, "maestro policy train") // producer_name
        .string(3, "1") // producer_version
        .varint(5, 1) // model_version
        .string(
            6,
            name + ": XGBoost binary:logistic, " + e.trees().size() + " trees, as an ONNX ensemble")
        .bytes(7, graph) // graph
        .bytes(8, new OnnxProto().string(1, "").varint(2, OPSET).bytes()) // opset_import
        .bytes(8, new OnnxProto().string(1, "ai.onnx.ml").varint(2, ML_OPSET).bytes())
        .bytes();
  }

  // AttributeProto.AttributeType values.
  private static final int ATTR_INT = 2;
  private static final int ATTR_STRING = 3;
  private static final int ATTR_FLOATS = 6;
  private static final int ATTR_INTS = 7;
  private static final int ATTR_STRINGS = 8;
  private static final int FLOAT_TENSOR = 1;

  /** A {@code ValueInfoProto} of a float tensor {@code [N, columns]}. */
  private static byte[] tensor(String name, int columns) {
    byte[] shape =
        new OnnxProto()
            .bytes(1, new OnnxProto().string(2, "N").bytes()) // dim { dim_param }
            .bytes(1, new OnnxProto().varint(1, columns).bytes()) // dim { dim_value }
            .bytes();
    byte[] tensorType = new OnnxProto().varint(1, FLOAT_TENSOR).bytes(2, shape).bytes();
    byte[] type = new OnnxProto().bytes(1, tensorType).bytes(); // TypeProto.tensor_type
    return new OnnxProto().string(1, name).bytes(2, type).bytes();
  }

  private static byte[] ints(String name, List<Long> values) {
    var p = new OnnxProto().string(1, name);
    for (long v : values) p.varint(8, v);
    return p.varint(20, ATTR_INTS).bytes();
  }

  private static byte[] floats(String name, List<Float> values) {
    var p = new OnnxProto().string(1, name);
    for (float v : values) p.float32(7, v);
    return p.varint(20, ATTR_FLOATS).bytes();
  }

  private static byte[] strings(String name, List<String> values) {
    var p = new OnnxProto().string(1, name);
    for (String v : values) p.string(9, v);
    return p.varint(20, ATTR_STRINGS).bytes();
  }

  private static byte[] string(String name, String value) {
    return new OnnxProto().string(1, name).string(4, value).varint(20, ATTR_STRING).bytes();
  }

  /**
   * A protobuf message in the making, written field by field with protobuf's own encoder (repeated
   * scalars unpacked, which every proto2 reader accepts).
   */
  private static double number(JsonNode node) {
    // XGBoost 3 saves the base score as "[5E-1]" (a vector); earlier releases as "5E-1".
    String text = node.asText().replace("[", "").replace("]", "").trim();
    if (text.contains(",")) {
      throw new IllegalArgumentException("a multi-target base score does not export");
    }
    return Double.parseDouble(text);
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
    return out;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
    return out;
  }
}
