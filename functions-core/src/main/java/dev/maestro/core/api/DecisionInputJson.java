package dev.maestro.core.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.policy.DecisionInput;
import dev.maestro.core.policy.Tier;

/**
 * Writes a {@link DecisionInput} in the {@code POST /decide} request format, the inverse of {@link
 * DecisionInputParser}: {@code parse(write(input), input.tenant(), anyTime)} equals {@code input}.
 * A {@code decision} event carries its input in this form, so that a recorded decision can be
 * replayed under another policy and learned from. Fields at their neutral value are left out.
 */
public final class DecisionInputJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DecisionInputJson() {}

  /** The request body that describes {@code in} (the tenant is not part of it). */
  public static ObjectNode write(DecisionInput in) {
    ObjectNode body = NODES.objectNode();
    body.put("now", in.now().toString());
    body.put("status", in.status().name());
    ObjectNode budget = body.putObject("budget");
    ObjectNode limits = budget.putObject("limits");
    limits.put("maxUsd", in.budget().limits().maxUsd());
    limits.put("softUsd", in.budget().limits().softUsd());
    if (in.budget().limits().maxTokens() != 0) {
      limits.put("maxTokens", in.budget().limits().maxTokens());
    }
    ObjectNode spent = budget.putObject("spent");
    spent.put("usd", in.budget().spent().usd());
    spent.put("tokensIn", in.budget().spent().tokensIn());
    spent.put("tokensOut", in.budget().spent().tokensOut());
    spent.put("calls", in.budget().spent().calls());
    body.put("estimatedStepUsd", in.estimatedStepUsd());
    body.put("stepKind", in.stepKind().wire());
    if (in.contextTokens() != 0) body.put("contextTokens", in.contextTokens());
    if (in.requiredDepth() != 0) body.put("requiredDepth", in.requiredDepth());
    if (!in.unhealthyTiers().isEmpty()) {
      ArrayNode tiers = body.putArray("unhealthyTiers");
      for (Tier t : in.unhealthyTiers()) tiers.add(t.wire());
    }
    body.put("intent", in.intent().wire());
    if (in.forkCount() != 0) body.put("forkCount", in.forkCount());
    if (!in.toolsRequested().isEmpty()) {
      ArrayNode tools = body.putArray("toolsRequested");
      in.toolsRequested().forEach(tools::add);
    }
    if (in.riskScore() != 0) body.put("riskScore", in.riskScore());
    body.put("qualityCheck", in.qualityCheck().wire());
    body.put("preferredRuntime", in.preferredRuntime().wire());
    body.put("policyClass", in.policyClass());
    if (in.expectedWallClockSeconds() != 0) {
      body.put("expectedWallClockSeconds", in.expectedWallClockSeconds());
    }
    if (in.expectedIdleSeconds() != 0) body.put("expectedIdleSeconds", in.expectedIdleSeconds());
    flag(body, "subtaskForksOrMerges", in.subtaskForksOrMerges());
    flag(body, "subtaskSleepsMultiDay", in.subtaskSleepsMultiDay());
    if (in.deadline() != null) body.put("deadline", in.deadline().toString());
    flag(body, "killSwitch", in.killSwitch());
    flag(body, "complianceFreeze", in.complianceFreeze());
    flag(body, "tenantDisabled", in.tenantDisabled());
    flag(body, "rateLimited", in.rateLimited());
    return body;
  }

  private static void flag(ObjectNode body, String field, boolean value) {
    if (value) body.put(field, true);
  }
}
