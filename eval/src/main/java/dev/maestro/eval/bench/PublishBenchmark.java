package dev.maestro.eval.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.tick.NoopRecipe;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.wake.WakeCondition;
import dev.maestro.core.wake.WakeKind;
import dev.maestro.local.bench.Benchmark;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Sibling publish latency (BRIEF §11). {@code pairs} subscribers each wait on their own tag in a
 * real embedded runtime; then one publisher per tag is started at once, and each latency runs from
 * the publisher's {@code publish} event appended to the subscriber's {@code wake} event appended.
 */
public final class PublishBenchmark implements Benchmark {

  /** Waits on {@code parameters.tag}; completes when woken by a publish. */
  static final class SubscriberRecipe implements Recipe {
    static final String NAME = "bench-subscriber";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      if (context.wake().kind() == WakeKind.PUBLISH) {
        return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
      }
      String tag = context.continuation().goalFrame().parameters().path("tag").asText();
      return new StepResult.Sleep(new WakeCondition.Publish(tag), "awaiting " + tag, null);
    }
  }

  /** Publishes to {@code parameters.tag} and completes. */
  static final class PublisherRecipe implements Recipe {
    static final String NAME = "bench-publisher";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      String tag = context.continuation().goalFrame().parameters().path("tag").asText();
      context.emit(new EventPayload.Published(tag, JsonNodeFactory.instance.objectNode()));
      return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
    }
  }

  @Override
  public String name() {
    return "publish";
  }

  @Override
  public String description() {
    return "sibling publish latency, 200 publisher/subscriber pairs at once: publish event ->"
        + " subscriber's wake event, p50/p99";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int pairs = Stats.intParam(params, "pairs", 200);
    int workers = Stats.intParam(params, "workers", LocalConfig.DEFAULT_WORKERS);
    Map<String, Long> publishedAt = new ConcurrentHashMap<>();
    Histogram latency = Stats.histogram();
    var woken = new CountDownLatch(pairs);
    Observability probe =
        Observability.onAppended(
            event -> {
              long now = System.nanoTime();
              if (event.payload() instanceof EventPayload.Published p) {
                publishedAt.put(p.tag(), now);
              } else if (event.payload() instanceof EventPayload.Woken w
                  && w.kind() == WakeKind.PUBLISH) {
                Long sent = publishedAt.get(w.channel());
                if (sent == null) return;
                synchronized (latency) {
                  latency.recordValue(Math.max(0, now - sent));
                }
                woken.countDown();
              }
            });
    var config = LocalConfig.defaults(workDir).withWorkers(workers);
    try (LocalRuntime runtime =
        LocalRuntime.start(
            config,
            probe,
            Recipes.of(new NoopRecipe(), new SubscriberRecipe(), new PublisherRecipe()))) {
      var caller = new Principal(TenantId.of("bench"), "bench", Set.of());
      progress.printf("publish: starting %,d subscribers...%n", pairs);
      var subscribers = new ArrayList<ContinuationId>();
      for (int i = 0; i < pairs; i++) {
        subscribers.add(create(runtime, caller, SubscriberRecipe.NAME, "tag-" + i));
      }
      SignalBenchmark.awaitAllWaiting(runtime, caller, subscribers);
      progress.printf("publish: starting %,d publishers at once...%n", pairs);
      long start = System.nanoTime();
      for (int i = 0; i < pairs; i++) {
        create(runtime, caller, PublisherRecipe.NAME, "tag-" + i);
      }
      if (!woken.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException(woken.getCount() + " subscribers not woken in 2 minutes");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      var out = new LinkedHashMap<String, Object>();
      out.put("pairs", pairs);
      out.put("workers", workers);
      out.put("publish_to_wake", Stats.millis(latency));
      out.put("throughput_wakes_per_s", Stats.round(pairs / seconds));
      out.put("measured", "publisher's publish event appended -> subscriber's wake event appended");
      out.put("machine", Stats.machine());
      return out;
    }
  }

  private static ContinuationId create(
      LocalRuntime runtime, Principal caller, String recipe, String tag) {
    JsonNode parameters = JsonNodeFactory.instance.objectNode().put("tag", tag);
    var goal =
        GoalFrame.of(
            "publish benchmark", BudgetLimits.ofUsd(BigDecimal.ONE, 0), recipe, parameters);
    return runtime.service().create(caller, goal, null).continuation().id();
  }
}
