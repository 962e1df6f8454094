package dev.maestro.local.cli;

import dev.maestro.core.continuation.TenantId;

/** Checks a {@code --tenant} value and says what is wrong with it. */
final class TenantOption {

  private TenantOption() {}

  /** Whether {@code tenant} is valid; if not, prints the rule on stderr. */
  static boolean isValid(String tenant) {
    if (TenantId.isValid(tenant)) return true;
    System.err.println("--tenant: must match [a-z0-9][a-z0-9_-]{0,62}, got '" + tenant + "'");
    return false;
  }
}
