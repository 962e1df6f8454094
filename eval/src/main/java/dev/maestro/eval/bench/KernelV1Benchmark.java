package dev.maestro.eval.bench;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.policy.Action;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.PolicyKernel;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import dev.maestro.core.policy.learned.LearnedPolicy;
import dev.maestro.core.policy.learned.PolicyFeatures;
import dev.maestro.core.policy.learned.ShadowKernel;
import dev.maestro.core.policy.learned.ShadowSwitch;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.policy.onnx.LearnedPolicies;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The learned policy v1 scored by ONNX Runtime, in process (BRIEF §13: score p99 < 50 µs). Three
 * timings over the same pre-generated, varied inputs as {@code bench kernel}: one {@code score} (a
 * single-row ONNX Runtime call of the route model, the unit the target names), one {@code suggest}
 * (everything v1 does for a decision: the candidate tiers and branches encoded and scored, two
 * calls) and one {@code shadow decide} (the rules plus v1, what a tick pays in shadow mode). The
 * model is the one shipped in {@code policy-onnx} unless {@code -P model=DIR} names another.
 */
public final class KernelV1Benchmark implements Benchmark {

  private static final TenantId TENANT = TenantId.of("bench");

  @Override
  public String name() {
    return "kernel-v1";
  }

  @Override
  public String description() {
    return "learned policy v1 (ONNX Runtime), in process: score/suggest/shadow-decide p50/p99 (target score p99 < 50 µs)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress) {
    int calls = Stats.intParam(params, "calls", 200_000);
    int warmup = Stats.intParam(params, "warmup", 50_000);
    int distinct = Stats.intParam(params, "inputs", 10_000);
    String modelDir = params.get("model");
    LearnedPolicy learned =
        modelDir != null
            ? LearnedPolicies.load(Path.of(modelDir))
            : LearnedPolicies.loadDefault()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "no model: this build ships none; pass -P model=DIR"));
    var random = new SplittableRandom(7);
    TenantPolicy[] policies = {TenantPolicy.defaults(TENANT), KernelBenchmark.delegating()};
    // Inputs whose rules proceed: the only decisions v1 scores.
    var inputs = new ArrayList<DecisionInput>();
    var decisions = new ArrayList<Decision>();
    while (inputs.size() < distinct) {
      DecisionInput in = KernelBenchmark.input(random);
      Decision d = PolicyKernel.decide(in, policies[inputs.size() & 1]);
      if (d.action() != Action.PROCEED) continue;
      inputs.add(in);
      decisions.add(d);
    }
    float[][][] rows = new float[distinct][][];
    for (int i = 0; i < distinct; i++) {
      rows[i] = new float[][] {PolicyFeatures.route(inputs.get(i), policies[i & 1], Tier.SONNET)};
    }
    var shadow = new ShadowKernel(learned, ShadowSwitch.on());

    progress.printf(
        "kernel-v1: model %s; warming up (%,d of each)...%n", learned.version(), warmup);
    double sink = 0;
    for (int i = 0; i < warmup; i++) {
      int k = i % distinct;
      sink += learned.route().predict(rows[k])[0];
      sink += learned.suggest(inputs.get(k), policies[k & 1], decisions.get(k)).tierScores().size();
      sink += shadow.decide(inputs.get(k), policies[k & 1]).decision().ruleIds().size();
    }

    progress.printf("kernel-v1: timing %,d single-row scores...%n", calls);
    Histogram score = Stats.histogram();
    for (int i = 0; i < calls; i++) {
      float[][] r = rows[i % distinct];
      long t0 = System.nanoTime();
      double p = learned.route().predict(r)[0];
      score.recordValue(System.nanoTime() - t0);
      sink += p;
    }
    progress.printf("kernel-v1: timing %,d suggestions...%n", calls);
    Histogram suggest = Stats.histogram();
    long rowsScored = 0;
    for (int i = 0; i < calls; i++) {
      int k = i % distinct;
      long t0 = System.nanoTime();
      LearnedPolicy.Suggestion s =
          learned.suggest(inputs.get(k), policies[k & 1], decisions.get(k));
      suggest.recordValue(System.nanoTime() - t0);
      rowsScored += s.tierScores().size() + s.branchScores().size();
    }
    progress.printf("kernel-v1: timing %,d shadow decisions (rules + v1)...%n", calls);
    Histogram both = Stats.histogram();
    long agreeTier = 0;
    long scored = 0;
    for (int i = 0; i < calls; i++) {
      int k = i % distinct;
      long t0 = System.nanoTime();
      ShadowKernel.Shadowed s = shadow.decide(inputs.get(k), policies[k & 1]);
      both.recordValue(System.nanoTime() - t0);
      if (s.shadow() != null && s.shadow().tier() != null) {
        scored++;
        if (s.shadow().tier().equals(s.decision().tier().wire())) agreeTier++;
      }
    }

    var out = new LinkedHashMap<String, Object>();
    out.put("model", learned.version());
    out.put("calls", calls);
    out.put("distinct_inputs", distinct);
    out.put("score_one_row", Stats.micros(score));
    out.put("suggest", Stats.micros(suggest));
    out.put("rows_per_suggest", Stats.round((double) rowsScored / calls));
    out.put("shadow_decide", Stats.micros(both));
    out.put(
        "tier_agreement_on_bench_inputs", Stats.round((double) agreeTier / Math.max(1, scored)));
    out.put("target_score_p99_us", 50);
    out.put("meets_target", score.getValueAtPercentile(99) < 50_000);
    out.put("threads", 1);
    out.put("checksum", Math.round(sink));
    out.put("machine", Stats.machine());
    return out;
  }
}
