package dev.maestro.local.cli;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.local.server.LocalJwtIssuer;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches a running {@code maestro serve}: its URL, the tenant to act as, and a
 * short-lived token minted for that tenant by the data directory's dev issuer (the one the server
 * trusts).
 */
final class RunningServer {

  @Option(names = "--tenant", required = true, description = "The tenant to act as.")
  String tenant;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "The API (default: ${DEFAULT-VALUE}).")
  String url;

  @Mixin DataDirOption data;

  /** A client acting as the tenant, or null after saying why the tenant is not valid. */
  ApiClient client() {
    return client(null);
  }

  /** As {@link #client()}, sending {@code idempotencyKey} (may be null) with each POST. */
  ApiClient client(String idempotencyKey) {
    if (!TenantOption.isValid(tenant)) return null;
    var issuer =
        LocalJwtIssuer.loadOrCreate(data.resolve(), LocalStack.ISSUER, LocalStack.AUDIENCE);
    return new ApiClient(
        url, issuer.mint(TenantId.of(tenant), "cli", Duration.ofMinutes(5)), idempotencyKey);
  }

  /** Whether {@code id} is a continuation id; says why not on stderr. */
  static boolean isContinuationId(String id) {
    if (ContinuationId.isValid(id)) return true;
    System.err.println("ID: not a continuation id (a lower-case UUID): " + id);
    return false;
  }
}
