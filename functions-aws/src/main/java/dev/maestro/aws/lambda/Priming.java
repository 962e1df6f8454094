package dev.maestro.aws.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Warms a container before it serves: each function registers primers (a request answered end to
 * end without side effects: JSON both ways, the router or tick path, one DynamoDB read of a key
 * that does not exist), and they run
 *
 * <ul>
 *   <li>before a SnapStart snapshot is taken (a CRaC {@link Resource}), so restored containers
 *       start with the classes loaded, the code paths compiled and the SDK's marshallers built; and
 *   <li>at initialisation when {@code MAESTRO_PRIME_ON_INIT=true} (provisioned concurrency, or to
 *       measure the effect without a checkpoint-capable JVM).
 * </ul>
 *
 * A primer's failure is logged and ignored: priming only ever makes a container faster, never
 * unable to start. After a restore nothing needs refreshing: clients hold no per-instance identity,
 * and lease holder names carry a random part drawn from {@link java.security.SecureRandom}, which
 * SnapStart re-seeds.
 */
public final class Priming {

  /** Set to {@code true} to prime at initialisation as well. */
  public static final String PRIME_ON_INIT = "MAESTRO_PRIME_ON_INIT";

  private static final List<Primer> PRIMERS = new CopyOnWriteArrayList<>();

  /** Held strongly: CRaC's global context keeps only weak references to its resources. */
  private static final Resource HOOK =
      new Resource() {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
          runAll("before checkpoint");
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
          System.err.println("maestro: restored from snapshot");
        }
      };

  static {
    Core.getGlobalContext().register(HOOK);
  }

  private record Primer(String name, Runnable action) {}

  private Priming() {}

  /**
   * Registers {@code action} to run before a snapshot, and runs it now if {@code env} asks for
   * priming at initialisation.
   */
  public static void register(String name, Runnable action, Map<String, String> env) {
    Primer primer = new Primer(Objects.requireNonNull(name), Objects.requireNonNull(action));
    PRIMERS.add(primer);
    if ("true".equalsIgnoreCase(env.getOrDefault(PRIME_ON_INIT, ""))) run(primer, "at init");
  }

  /** Runs every registered primer now; returns the names of those that failed. */
  public static List<String> runAll(String when) {
    var failed = new ArrayList<String>();
    for (Primer p : PRIMERS) if (!run(p, when)) failed.add(p.name());
    return failed;
  }

  private static boolean run(Primer primer, String when) {
    long start = System.nanoTime();
    try {
      primer.action().run();
      System.err.printf(
          "maestro: primed %s %s in %d ms%n",
          primer.name(), when, (System.nanoTime() - start) / 1_000_000);
      return true;
    } catch (RuntimeException e) {
      System.err.println("maestro: priming " + primer.name() + " " + when + " failed: " + e);
      return false;
    }
  }
}
