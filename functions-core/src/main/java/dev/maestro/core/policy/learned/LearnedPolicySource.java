package dev.maestro.core.policy.learned;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where a runtime gets its learned policy, found with {@link ServiceLoader} ({@code
 * META-INF/services/dev.maestro.core.policy.learned.LearnedPolicySource}): {@code policy-onnx}
 * provides one that loads the model named by {@code MAESTRO_POLICY_V1_MODEL} or the one it ships. A
 * deployment that leaves {@code policy-onnx} out of its package (it carries ONNX Runtime's natives)
 * has no source, and decides with the rules only.
 */
public interface LearnedPolicySource {

  /** The learned policy for a runtime configured by {@code env}, if this source has one. */
  Optional<LearnedPolicy> load(Map<String, String> env);

  /** The environment setting that turns shadow scoring off ({@code off}) or on (anything else). */
  String SWITCH = "MAESTRO_POLICY_V1";

  /**
   * The shadow kernel for a runtime configured by {@code env}: the first source on the class path
   * that has a policy, under a kill switch read from {@link #SWITCH} ({@code off} turns v1 off; an
   * app-setting change reaches new instances without a deploy). Rules only when no source has a
   * policy. A source that fails is logged and skipped: the rules never depend on v1 loading.
   */
  static ShadowKernel shadowKernel(Map<String, String> env) {
    boolean on = !"off".equalsIgnoreCase(env.getOrDefault(SWITCH, "on").strip());
    for (LearnedPolicySource source : ServiceLoader.load(LearnedPolicySource.class)) {
      try {
        Optional<LearnedPolicy> policy = source.load(env);
        if (policy.isPresent()) {
          return new ShadowKernel(policy.get(), on ? ShadowSwitch.on() : ShadowSwitch.off());
        }
      } catch (RuntimeException | LinkageError e) {
        System.getLogger(LearnedPolicySource.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "the learned policy could not be loaded; deciding with the rules only",
                e);
      }
    }
    return ShadowKernel.rulesOnly();
  }
}
