package dev.maestro.eval.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs chaos schedules {@code seed, seed + 1, ...} one after another, each in a fresh SQLite data
 * directory under a parent directory, and totals their figures. Schedule {@code S} is the same
 * schedule whichever run it is part of, so a failing one replays with {@code --seed S --schedules
 * 1}.
 */
public final class ChaosSuite {

  /** How many violation sentences the figures quote. */
  static final int SAMPLES = 20;

  private final Path parent;
  private final boolean crashLoops;

  /** A suite whose schedules put their data directories under {@code parent}. */
  public ChaosSuite(Path parent) {
    this(parent, false);
  }

  /** As above; {@code crashLoops} adds crash loops to the faults (see {@code --crash-loops}). */
  public ChaosSuite(Path parent, boolean crashLoops) {
    this.parent = Objects.requireNonNull(parent, "parent");
    this.crashLoops = crashLoops;
  }

  /**
   * Runs {@code schedules} schedules from {@code seed}, reporting each to {@code progress} as it
   * finishes.
   */
  public ChaosFigures run(long seed, int schedules, Consumer<String> progress) {
    if (schedules < 1) throw new IllegalArgumentException("schedules must be >= 1");
    long started = System.nanoTime();
    long continuations = 0;
    long workers = 0;
    long ticks = 0;
    long events = 0;
    long violations = 0;
    Map<String, Long> faults = new TreeMap<>();
    Map<String, Long> recoveries = new TreeMap<>();
    List<Long> failing = new ArrayList<>();
    List<String> samples = new ArrayList<>();
    for (int i = 0; i < schedules; i++) {
      long s = seed + i;
      ChaosSchedule.Report r = ChaosSchedule.run(s, parent, crashLoops);
      continuations += r.continuations();
      workers += r.workers();
      ticks += r.ticks();
      events += r.events();
      r.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
      r.recoveries().forEach((k, v) -> recoveries.merge(k, v, Long::sum));
      violations += r.violations().size();
      if (!r.violations().isEmpty()) {
        failing.add(s);
        for (String v : r.violations()) if (samples.size() < SAMPLES) samples.add(v);
      }
      progress.accept(
          "schedule "
              + s
              + ": "
              + r.continuations()
              + " continuations, "
              + r.ticks()
              + " ticks, "
              + r.events()
              + " events, "
              + r.faults().values().stream().mapToLong(Long::longValue).sum()
              + " faults, "
              + r.violations().size()
              + " violations");
    }
    long wallMs = (System.nanoTime() - started) / 1_000_000;
    return new ChaosFigures(
        seed,
        schedules,
        continuations,
        workers,
        ticks,
        events,
        faults,
        faults.values().stream().mapToLong(Long::longValue).sum(),
        recoveries,
        violations,
        failing,
        samples,
        wallMs);
  }
}
