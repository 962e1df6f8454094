package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.brief.EvidenceBrief;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.eval.brief.BriefStack;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The evidence brief end to end (BRIEF §13: under $0.50 per brief at list prices): {@code briefs}
 * questions about the shipped licence corpus, each run to a published brief on the embedded runtime
 * (field, plan, a forked child per sub-question, synthesis; no approval wait), offline. Reports the
 * wall time per brief and its cost: the metered spend (zero offline) and what the same tokens cost
 * at the list price of the model each call was routed to. The offline provider counts words, not
 * model tokens, so the list-price figure is an estimate of a real run's order of magnitude, not a
 * measurement of one.
 */
public final class BriefBenchmark implements Benchmark {

  static final List<String> QUESTIONS =
      List.of(
          "What must someone who distributes a modified version of a GPL-licensed program do?",
          "Which licences grant an explicit patent licence, and on what terms?",
          "What notices must be kept when redistributing software under the BSD or MIT licences?",
          "How does the GNU Lesser General Public License treat programs that link to a library?",
          "What does the Artistic License require of people who modify the Standard Version?",
          "May a distributor charge a fee for copies of free software?",
          "What warranty do these licences give, and how do they disclaim liability?",
          "When must the source code of a work be offered to recipients?");

  @Override
  public String name() {
    return "brief";
  }

  @Override
  public String description() {
    return "evidence brief end to end, offline: wall time per brief and cost at list prices (target < $0.50 per brief)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int briefs = Stats.intParam(params, "briefs", QUESTIONS.size());
    boolean fork = !"false".equals(params.getOrDefault("fork", "true"));
    Histogram wall = Stats.histogram();
    var costs = new ArrayList<BigDecimal>();
    var caps = new ArrayList<BigDecimal>();
    int claims = 0;
    int sources = 0;
    int children = 0;
    int calls = 0;
    var caller = new Principal(TenantId.of("bench"), "bench", Set.of());
    try (BriefStack stack = BriefStack.open(workDir, Observability.NONE, Map.of(), progress)) {
      for (int i = 0; i < briefs; i++) {
        String question = QUESTIONS.get(i % QUESTIONS.size());
        long t0 = System.nanoTime();
        ContinuationId id =
            stack.start(
                caller,
                question,
                new BigDecimal("0.50"),
                JsonNodeFactory.instance.objectNode().put("approval", false).put("fork", fork));
        Continuation done = awaitEnd(stack, caller, id, Duration.ofMinutes(2));
        long nanos = System.nanoTime() - t0;
        if (done.status() != Status.COMPLETED) {
          throw new IllegalStateException("brief " + id + " ended " + done.status());
        }
        wall.recordValue(nanos);
        EvidenceBrief brief = Json.convert(done.result(), EvidenceBrief.class);
        costs.add(brief.cost().listPriceUsd());
        caps.add(brief.cost().listPriceCapUsd());
        claims += brief.claims().size();
        sources += brief.sources().size();
        children += done.lineage().children().size();
        calls += brief.cost().modelCalls();
        progress.printf(
            "brief %d/%d: %.0f ms, %d claims, %d sources, %d model calls, list price $%s%n",
            i + 1,
            briefs,
            nanos / 1e6,
            brief.claims().size(),
            brief.sources().size(),
            brief.cost().modelCalls(),
            brief.cost().listPriceUsd().toPlainString());
      }
    }
    costs.sort(BigDecimal::compareTo);
    caps.sort(BigDecimal::compareTo);
    var out = new LinkedHashMap<String, Object>();
    out.put("briefs", briefs);
    out.put("forked", fork);
    out.put("wall_per_brief", Stats.millis(wall));
    out.put("list_price_usd_per_brief_median", costs.get(costs.size() / 2));
    out.put("list_price_usd_per_brief_max", costs.get(costs.size() - 1));
    out.put("list_price_usd_per_brief_at_output_caps_max", caps.get(caps.size() - 1));
    out.put("metered_usd_total", 0);
    out.put("claims_per_brief", Stats.round((double) claims / briefs));
    out.put("sources_per_brief", Stats.round((double) sources / briefs));
    out.put("children_per_brief", Stats.round((double) children / briefs));
    out.put("model_calls_per_brief", Stats.round((double) calls / briefs));
    out.put("target_usd_per_brief", 0.50);
    out.put(
        "note",
        "offline provider: list_price prices its word counts at the routed models' list prices;"
            + " the at_output_caps bound prices prompts at ~4 chars/token and every output at its"
            + " cap");
    out.put("machine", Stats.machine());
    return out;
  }

  private static Continuation awaitEnd(
      BriefStack stack, Principal caller, ContinuationId id, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Continuation c = stack.runtime().service().get(caller, id).continuation();
      if (c.status().isTerminal()) return c;
      Thread.sleep(5);
    }
    throw new IllegalStateException("brief " + id + " did not finish in " + timeout);
  }
}
