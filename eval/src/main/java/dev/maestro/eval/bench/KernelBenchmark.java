package dev.maestro.eval.bench;

import dev.maestro.core.budget.Budget;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.budget.Spend;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.Runtime;
import dev.maestro.core.policy.Branch;
import dev.maestro.core.policy.Decision;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.PolicyKernel;
import dev.maestro.core.policy.QualityCheck;
import dev.maestro.core.policy.StepKind;
import dev.maestro.core.policy.TenantPolicy;
import dev.maestro.core.policy.Tier;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The policy kernel v0's {@code decide}, in process (BRIEF §13: p99 < 20 µs). Decides over {@code
 * inputs} pre-generated, varied inputs (every step kind, intent, gate, cap state, health state and
 * delegation shape) under two tenant policies, one of them allowing delegation; warms up, then
 * times every call with {@link System#nanoTime()} and, separately, the untimed throughput.
 */
public final class KernelBenchmark implements Benchmark {

  private static final TenantId TENANT = TenantId.of("bench");
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final List<String> TOOLS =
      List.of("pubmed.search", "fetch", "web.search", "field.recall", "shell.exec", "email.send");

  @Override
  public String name() {
    return "kernel";
  }

  @Override
  public String description() {
    return "policy kernel v0 decide, in process: p50/p99/p99.9 latency and decisions/s (target p99 < 20 µs)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress) {
    int decisions = Stats.intParam(params, "decisions", 2_000_000);
    int warmup = Stats.intParam(params, "warmup", 500_000);
    int distinct = Stats.intParam(params, "inputs", 10_000);
    var random = new SplittableRandom(7);
    TenantPolicy[] policies = {TenantPolicy.defaults(TENANT), delegating()};
    DecisionInput[] inputs = new DecisionInput[distinct];
    for (int i = 0; i < distinct; i++) inputs[i] = input(random);

    progress.printf("kernel: warming up (%,d decisions)...%n", warmup);
    long sink = 0;
    for (int i = 0; i < warmup; i++)
      sink += consume(PolicyKernel.decide(inputs[i % distinct], policies[i & 1]));

    progress.printf("kernel: timing %,d decisions one by one...%n", decisions);
    Histogram latency = Stats.histogram();
    var actions = new TreeMap<String, Long>();
    for (int i = 0; i < decisions; i++) {
      DecisionInput in = inputs[i % distinct];
      TenantPolicy policy = policies[(i / distinct) & 1];
      long t0 = System.nanoTime();
      Decision d = PolicyKernel.decide(in, policy);
      long took = System.nanoTime() - t0;
      latency.recordValue(took);
      sink += consume(d);
      if (i < distinct * 2) actions.merge(d.action().wire() + "/" + runtime(d), 1L, Long::sum);
    }

    progress.printf("kernel: measuring throughput (%,d decisions, untimed)...%n", decisions);
    long start = System.nanoTime();
    for (int i = 0; i < decisions; i++)
      sink += consume(PolicyKernel.decide(inputs[i % distinct], policies[(i / distinct) & 1]));
    double seconds = (System.nanoTime() - start) / 1e9;

    var out = new LinkedHashMap<String, Object>();
    out.put("decisions", decisions);
    out.put("distinct_inputs", distinct);
    out.put("latency", Stats.micros(latency));
    out.put("decisions_per_second", Math.round(decisions / seconds));
    out.put("target_p99_us", 20);
    out.put("meets_target", latency.getValueAtPercentile(99) < 20_000);
    out.put("mix_first_" + (distinct * 2), actions);
    out.put("threads", 1);
    out.put("checksum", sink);
    out.put("machine", Stats.machine());
    return out;
  }

  private static String runtime(Decision d) {
    return d.runtime() == null ? "-" : d.runtime().wire();
  }

  private static long consume(Decision d) {
    return d.action().ordinal() + d.ruleIds().size() + d.rationale().length();
  }

  /** The default policy with delegation enabled for the standard class on both vendors. */
  static TenantPolicy delegating() {
    PolicyDocument base = PolicyDocument.defaults(TENANT);
    return TenantPolicy.of(
        new PolicyDocument(
            base.version(),
            TENANT,
            1,
            true,
            base.tiers(),
            base.softCapFraction(),
            base.allowedTools(),
            base.costlyTools(),
            base.maxForks(),
            base.approval(),
            new PolicyDocument.ExternalRuntimes(
                List.of("standard"),
                1800,
                List.of(Tier.HAIKU, Tier.SONNET, Tier.OPUS),
                List.of(Tier.SONNET)),
            base.deferSeconds()));
  }

  /** One varied input: mostly ordinary steps, with every gate, cap and delegation case present. */
  static DecisionInput input(SplittableRandom r) {
    BigDecimal max = BigDecimal.valueOf(50 + r.nextInt(450), 2); // $0.50 .. $4.99
    BigDecimal spent =
        r.nextInt(10) == 0
            ? max // at the hard cap
            : max.multiply(BigDecimal.valueOf(r.nextInt(100), 2))
                .setScale(6, java.math.RoundingMode.DOWN);
    var budget =
        new Budget(
            BudgetLimits.ofUsd(max, r.nextInt(4) == 0 ? 200_000 : 0),
            new Spend(spent, r.nextInt(150_000), r.nextInt(30_000), r.nextInt(40)));
    Branch[] intents = Branch.values();
    Branch intent = intents[r.nextInt(intents.length)];
    var unhealthy = EnumSet.noneOf(Tier.class);
    if (r.nextInt(8) == 0) unhealthy.add(Tier.values()[r.nextInt(3)]);
    if (r.nextInt(50) == 0) unhealthy.addAll(EnumSet.allOf(Tier.class));
    var tools = new ArrayList<String>();
    for (String t : TOOLS) if (r.nextInt(3) == 0) tools.add(t);
    var b =
        DecisionInput.builder(TENANT, NOW, budget)
            .status(r.nextInt(40) == 0 ? Status.COMPLETED : Status.RUNNING)
            .estimatedStepUsd(BigDecimal.valueOf(r.nextInt(150), 2))
            .stepKind(StepKind.values()[r.nextInt(StepKind.values().length)])
            .contextTokens(r.nextInt(200_000))
            .requiredDepth(r.nextInt(4))
            .unhealthyTiers(unhealthy)
            .intent(intent)
            .toolsRequested(tools)
            .riskScore(r.nextInt(100) / 100.0)
            .qualityCheck(QualityCheck.values()[r.nextInt(3)])
            .preferredRuntime(Runtime.values()[r.nextInt(3)])
            .policyClass(r.nextInt(5) == 0 ? "restricted" : "standard")
            .expectedWallClockSeconds(r.nextInt(12 * 3600))
            .expectedIdleSeconds(r.nextInt(4) == 0 ? r.nextInt(3600) : 0)
            .subtaskForksOrMerges(r.nextInt(6) == 0)
            .subtaskSleepsMultiDay(r.nextInt(10) == 0)
            .deadline(r.nextInt(20) == 0 ? NOW.minusSeconds(60) : NOW.plusSeconds(86_400))
            .killSwitch(r.nextInt(200) == 0)
            .complianceFreeze(r.nextInt(200) == 0)
            .tenantDisabled(r.nextInt(200) == 0)
            .rateLimited(r.nextInt(50) == 0);
    if (intent == Branch.FORK) b.fork(1 + r.nextInt(8));
    return b.build();
  }
}
