package dev.maestro.core.security.freeze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.policy.PolicyDocument;
import dev.maestro.core.policy.PolicyStore;
import dev.maestro.core.policy.TenantPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Emergency compliance freezes set outside the tenant's policy document (BRIEF §12): a file {@code
 * <dir>/<tenant>.json} on the local runtime, the {@value #ENVIRONMENT_SETTING} setting on the
 * clouds. An override only ever adds a freeze; lifting one that the document sets means editing the
 * document. Consulted on every request, so a file dropped in takes effect with the tenant's next
 * request.
 */
@FunctionalInterface
public interface FreezeOverrides {

  /** Comma-separated tenant ids frozen by the function's configuration. */
  String ENVIRONMENT_SETTING = "MAESTRO_FROZEN_TENANTS";

  /** The freeze an override puts on {@code tenant} now, if any. */
  Optional<PolicyDocument.Freeze> freeze(TenantId tenant);

  /** No overrides. */
  static FreezeOverrides none() {
    return tenant -> Optional.empty();
  }

  /** The tenants listed in {@code env}'s {@value #ENVIRONMENT_SETTING} are frozen. */
  static FreezeOverrides fromEnvironment(Map<String, String> env) {
    String listed = env.getOrDefault(ENVIRONMENT_SETTING, "");
    Set<String> tenants =
        Arrays.stream(listed.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    if (tenants.isEmpty()) return none();
    var freeze =
        new PolicyDocument.Freeze(true, "frozen by the " + ENVIRONMENT_SETTING + " setting", null);
    return tenant -> tenants.contains(tenant.value()) ? Optional.of(freeze) : Optional.empty();
  }

  /**
   * A file per frozen tenant in {@code dir}: {@code <tenant>.json} holding {@code {"active": true,
   * "reason": "...", "since": "..."}} ({@code reason} and {@code since} optional). A file that
   * cannot be read or parsed freezes the tenant (fail closed) with a reason saying so; a file with
   * {@code "active": false} does not.
   */
  static FreezeOverrides fromDirectory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return tenant -> {
      Path file = dir.resolve(tenant.value() + ".json");
      String text;
      try {
        text = Files.readString(file);
      } catch (NoSuchFileException absent) {
        return Optional.empty();
      } catch (IOException unreadable) {
        return Optional.of(
            new PolicyDocument.Freeze(true, "the freeze file " + file + " is unreadable", null));
      }
      try {
        JsonNode node = Json.tree(text);
        if (!node.path("active").isBoolean())
          throw new IllegalArgumentException("active must be true or false");
        if (!node.path("active").booleanValue()) return Optional.empty();
        String reason = node.path("reason").asText("frozen by " + file.getFileName());
        Instant since = node.hasNonNull("since") ? Instant.parse(node.get("since").asText()) : null;
        return Optional.of(new PolicyDocument.Freeze(true, reason, since));
      } catch (RuntimeException malformed) {
        return Optional.of(
            new PolicyDocument.Freeze(true, "the freeze file " + file + " is malformed", null));
      }
    };
  }

  /** Frozen when either this or {@code other} says so (this one's freeze first). */
  default FreezeOverrides or(FreezeOverrides other) {
    Objects.requireNonNull(other, "other");
    return tenant -> freeze(tenant).or(() -> other.freeze(tenant));
  }

  /**
   * {@code policies} with these overrides applied: a tenant an override freezes gets its policy
   * with that freeze in force (unless its document already freezes it), so the API and the recipes'
   * kernel inputs see one answer.
   */
  default PolicyStore applyTo(PolicyStore policies) {
    Objects.requireNonNull(policies, "policies");
    return tenant -> {
      TenantPolicy policy = policies.policyFor(tenant);
      if (policy.frozen()) return policy;
      return freeze(tenant).map(policy::withFreeze).orElse(policy);
    };
  }
}
