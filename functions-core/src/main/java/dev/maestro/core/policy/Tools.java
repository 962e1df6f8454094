package dev.maestro.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Layer D: the tools the step may call. A requested tool is allowed when the tenant's policy lists
 * it, except that costly tools are dropped once spend passes the soft cap. Denied tools are listed
 * so the recipe can tell a refusal from an omission.
 */
final class Tools {

  private Tools() {}

  static void apply(Draft d) {
    List<String> requested = d.in.toolsRequested();
    if (requested.isEmpty()) {
      d.rule(Rules.TOOLS_NONE_REQUESTED, "No tools were requested.");
      return;
    }
    var allowed = new ArrayList<String>(requested.size());
    List<String> notAllowed = null;
    List<String> costly = null;
    for (int i = 0; i < requested.size(); i++) {
      String tool = requested.get(i);
      if (!d.policy.toolAllowed(tool)) {
        if (notAllowed == null) notAllowed = new ArrayList<>(2);
        notAllowed.add(tool);
      } else if (d.pastSoftCap && d.policy.toolCostly(tool)) {
        if (costly == null) costly = new ArrayList<>(2);
        costly.add(tool);
      } else {
        allowed.add(tool);
      }
    }
    d.allowedTools = allowed;
    if (notAllowed == null && costly == null) {
      d.rule(Rules.TOOLS_ALLOWED)
          .append("Tools allowed: ")
          .append(String.join(", ", allowed))
          .append('.');
      return;
    }
    var denied = new ArrayList<String>(requested.size() - allowed.size());
    if (notAllowed != null) {
      denied.addAll(notAllowed);
      d.rule(Rules.TOOLS_NOT_ALLOWED)
          .append("Not in the tenant's tool list: ")
          .append(String.join(", ", notAllowed))
          .append('.');
    }
    if (costly != null) {
      denied.addAll(costly);
      d.rule(Rules.TOOLS_COSTLY_PAST_SOFT_CAP)
          .append("Costly tools dropped past the soft cap: ")
          .append(String.join(", ", costly))
          .append('.');
    }
    d.deniedTools = denied;
  }
}
