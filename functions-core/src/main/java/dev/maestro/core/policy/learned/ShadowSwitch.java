package dev.maestro.core.policy.learned;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kill switch of the learned policy: while it is off, no decision is scored by v1 and nothing
 * about v1 is recorded. It is read on every decision, so an operator turns v1 off at run time
 * without a deploy ({@code maestro policy v1 off} locally; an environment setting or a store row on
 * the clouds). The rules (v0) decide either way.
 */
@FunctionalInterface
public interface ShadowSwitch {

  /** Whether v1 scores decisions now. */
  boolean enabled();

  /** A switch that is always on. */
  static ShadowSwitch on() {
    return () -> true;
  }

  /** A switch that is always off. */
  static ShadowSwitch off() {
    return () -> false;
  }

  /** A switch flipped in this process, starting {@code initially}. */
  static Toggle toggle(boolean initially) {
    return new Toggle(initially);
  }

  /** A switch flipped in this process. */
  final class Toggle implements ShadowSwitch {
    private final AtomicBoolean state;

    private Toggle(boolean initially) {
      state = new AtomicBoolean(initially);
    }

    @Override
    public boolean enabled() {
      return state.get();
    }

    /** Turns v1 on or off. */
    public void set(boolean enabled) {
      state.set(enabled);
    }
  }
}
