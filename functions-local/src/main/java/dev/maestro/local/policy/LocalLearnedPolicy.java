package dev.maestro.local.policy;

import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.policy.onnx.LearnedPolicies;
import dev.maestro.policy.onnx.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which learned policy the embedded runtime scores with, and the shadow kernel around it: the model
 * trained into the data directory ({@code maestro policy train} writes {@code
 * <data-dir>/policy/v1}) if there is one, else the model shipped in {@code policy-onnx}; the kill
 * switch is the data directory's {@link ShadowSwitchFile}.
 */
public final class LocalLearnedPolicy {

  /** Where {@code maestro policy train} writes by default, under the data directory. */
  public static final String TRAINED = "policy/v1";

  private static final System.Logger LOG = System.getLogger(LocalLearnedPolicy.class.getName());

  private LocalLearnedPolicy() {}

  /**
   * The learned policy in {@code named} if given, else in {@code <dataDir>/policy/v1} if it holds a
   * manifest, else the one shipped in the jar; null when there is none.
   *
   * @throws IllegalArgumentException when the model found cannot be loaded (the message says why)
   */
  public static LearnedPolicy find(Path named, Path dataDir) {
    if (named != null) return LearnedPolicies.load(named);
    Path trained = dataDir.resolve(TRAINED);
    if (Files.isRegularFile(trained.resolve(ModelManifest.FILE))) {
      return LearnedPolicies.load(trained);
    }
    return LearnedPolicies.loadDefault().orElse(null);
  }

  /**
   * The shadow kernel of {@code dataDir}: its learned policy under its kill switch. A model that
   * cannot be loaded leaves the rules alone (logged), never stops the runtime.
   */
  public static ShadowKernel shadowKernel(Path dataDir) {
    LearnedPolicy learned;
    try {
      learned = find(null, dataDir);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the learned policy could not be loaded; deciding with the rules only: "
              + e.getMessage());
      learned = null;
    }
    return new ShadowKernel(learned, ShadowSwitchFile.in(dataDir));
  }
}
