package dev.maestro.policy.onnx;

import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.LearnedPolicySource;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The learned policy of a cloud function's package: the model directory named by {@link #MODEL} (a
 * path in the package or a mounted volume), else the model shipped in this jar.
 */
public final class OnnxLearnedPolicySource implements LearnedPolicySource {

  /** The environment setting naming a model directory. */
  public static final String MODEL = "MAESTRO_POLICY_V1_MODEL";

  @Override
  public Optional<LearnedPolicy> load(Map<String, String> env) {
    String dir = env.get(MODEL);
    if (dir != null && !dir.isBlank()) return Optional.of(LearnedPolicies.load(Path.of(dir)));
    return LearnedPolicies.loadDefault();
  }
}
