package dev.maestro.eval.policy;

import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.local.policy.LocalLearnedPolicy;
import dev.maestro.local.policy.ShadowSwitchFile;
import dev.maestro.local.runtime.LocalConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code maestro policy v1 on|off|status}: the learned policy's kill switch. */
@Command(
    name = "v1",
    mixinStandardHelpOptions = true,
    description = {
      "Turns the learned policy (v1) on or off at run time, or shows its state. While it is off no"
          + " decision is scored by v1 and nothing about v1 is recorded; the rules decide either"
          + " way. A running maestro serve sees the change within a second.",
      "Exit codes: 0 done; 2 invalid arguments."
    })
public final class V1Command implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "on|off|status",
      defaultValue = "status",
      description = "What to do (default: ${DEFAULT-VALUE}).")
  String action;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The embedded runtime's data directory (default: $MAESTRO_HOME or ~/.maestro).")
  Path dataDir;

  @Option(
      names = "--by",
      paramLabel = "WHO",
      description = "Who is switching, recorded with the state (default: $USER).")
  String by;

  @Override
  public Integer call() {
    Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
    ShadowSwitchFile sw = ShadowSwitchFile.in(dir);
    String who = by != null ? by : System.getProperty("user.name", "operator");
    switch (action) {
      case "on", "off" -> {
        ShadowSwitchFile.State s = sw.set(action.equals("on"), who, Instant.now());
        System.out.println(
            "learned policy v1: " + (s.enabled() ? "on" : "off") + " (" + sw.file() + ")");
        return 0;
      }
      case "status" -> {
        ShadowSwitchFile.State s = sw.read();
        String model;
        try {
          LearnedPolicy learned = LocalLearnedPolicy.find(null, dir);
          model = learned == null ? "none" : learned.version();
        } catch (IllegalArgumentException e) {
          model = "unloadable: " + e.getMessage();
        }
        System.out.println(
            "learned policy v1: "
                + (s.enabled() ? "on" : "off")
                + (s.by() == null ? " (default)" : " (set by " + s.by() + " at " + s.at() + ")"));
        System.out.println("model: " + model);
        return 0;
      }
      default -> {
        System.err.println("expected on, off or status, got '" + action + "'");
        return 2;
      }
    }
  }
}
