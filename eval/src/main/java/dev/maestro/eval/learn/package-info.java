/**
 * The learned policy (v1) training pipeline (BRIEF §8): {@link dev.maestro.eval.learn.Simulator}
 * writes simulated research continuations with recorded decisions to the embedded event log, {@link
 * dev.maestro.eval.learn.DecisionDataset} pairs each recorded decision with its outcomes, {@link
 * dev.maestro.eval.learn.Trainer} fits one gradient-boosted classifier per dimension and {@link
 * dev.maestro.eval.learn.OnnxTreeExport} turns each into the ONNX graph {@code policy-onnx} scores.
 */
package dev.maestro.eval.learn;
