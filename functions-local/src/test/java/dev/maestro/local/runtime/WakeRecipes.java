package dev.maestro.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.budget.BudgetLimits;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.GoalFrame;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.security.Principal;
import dev.maestro.core.tick.Recipe;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.StepContext;
import dev.maestro.core.tick.StepResult;
import dev.maestro.core.wake.WakeCondition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Recipes that wait on streams and publish tags, for the wake tests of the embedded runtime. */
public final class WakeRecipes {

  private WakeRecipes() {}

  /** Every recipe here. */
  public static Recipes all() {
    return Recipes.of(new Listener(), new Publisher());
  }

  /**
   * Waits on {@code parameters.wait} (a wake condition) forever: after every wake it waits on the
   * same condition again, so a redelivered message finds it waiting and only deduplication keeps it
   * from waking twice.
   */
  static final class Listener implements Recipe {
    static final String NAME = "test-listener";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      JsonNode wait = context.continuation().goalFrame().parameters().path("wait");
      WakeCondition condition = dev.maestro.core.json.Json.convert(wait, WakeCondition.class);
      return new StepResult.Sleep(condition, "listening", null);
    }
  }

  /** Publishes {@code parameters.content} to {@code parameters.tag}, then completes. */
  static final class Publisher implements Recipe {
    static final String NAME = "test-publisher";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public StepResult step(StepContext context) {
      JsonNode parameters = context.continuation().goalFrame().parameters();
      context.emit(
          new EventPayload.Published(parameters.path("tag").asText(), parameters.path("content")));
      return new StepResult.Complete(JsonNodeFactory.instance.objectNode(), null);
    }
  }

  /** A listener waiting on the stream {@code topic} for messages containing {@code predicate}. */
  public static GoalFrame streamListener(String topic, JsonNode predicate) {
    return listener(
        dev.maestro.core.json.Json.tree(
            dev.maestro.core.json.Json.write(new WakeCondition.Stream(topic, predicate))));
  }

  /** A listener waiting on the publish tag {@code tag}. */
  static GoalFrame tagListener(String tag) {
    return listener(
        dev.maestro.core.json.Json.tree(
            dev.maestro.core.json.Json.write(new WakeCondition.Publish(tag))));
  }

  private static GoalFrame listener(JsonNode wait) {
    ObjectNode parameters = JsonNodeFactory.instance.objectNode();
    parameters.set("wait", wait);
    return GoalFrame.of(
        "wake test listener", BudgetLimits.ofUsd(BigDecimal.ONE, 0), Listener.NAME, parameters);
  }

  /** A publisher of {@code content} to {@code tag}. */
  static GoalFrame publisher(String tag, JsonNode content) {
    ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("tag", tag);
    parameters.set("content", content);
    return GoalFrame.of(
        "wake test publisher", BudgetLimits.ofUsd(BigDecimal.ONE, 0), Publisher.NAME, parameters);
  }

  /** Every event of {@code id}'s log. */
  static List<EventEnvelope> log(LocalRuntime runtime, Principal caller, ContinuationId id) {
    var all = new ArrayList<EventEnvelope>();
    long after = 0;
    while (true) {
      List<EventEnvelope> page = runtime.service().events(caller, id, after, 500);
      all.addAll(page);
      if (page.size() < 500) return all;
      after = page.getLast().sequence();
    }
  }

  /** The wake ids of {@code id}'s {@code wake} events, in log order. */
  public static List<String> wakeIds(LocalRuntime runtime, Principal caller, ContinuationId id) {
    return log(runtime, caller, id).stream()
        .filter(e -> e.payload() instanceof EventPayload.Woken)
        .map(e -> ((EventPayload.Woken) e.payload()).wakeId())
        .toList();
  }
}
