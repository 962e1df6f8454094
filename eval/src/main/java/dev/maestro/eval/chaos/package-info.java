/**
 * The chaos suite (BRIEF §12): many seeded random fault schedules run against the real tick engine
 * on the real embedded SQLite store, each followed by an invariant check of every log, snapshot and
 * budget. Faults are injected by decorating the substrate's ports ({@link
 * dev.maestro.eval.chaos.CrashingSubstrate}) and by moving simulated clocks ({@link
 * dev.maestro.eval.chaos.SimClock}); the engine and the store are used unmodified.
 */
package dev.maestro.eval.chaos;
