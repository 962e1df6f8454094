package dev.maestro.local.cli;

import dev.maestro.core.continuation.TenantId;
import dev.maestro.local.server.LocalJwtIssuer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maestro token}: mints a bearer token from the local dev issuer. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Prints a bearer JWT for the local API, signed by this data directory's dev key.")
final class TokenCommand implements Callable<Integer> {

  @Mixin DataDirOption data;

  @Option(
      names = "--tenant",
      required = true,
      description = "Tenant the token is for (lower-case letters, digits, '-', '_').")
  String tenant;

  @Option(
      names = "--subject",
      defaultValue = "dev",
      description = "Subject (who is calling; default: ${DEFAULT-VALUE}).")
  String subject;

  @Option(
      names = "--ttl",
      defaultValue = "PT1H",
      description = "Lifetime, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Override
  public Integer call() {
    if (!TenantOption.isValid(tenant)) return 2;
    var issuer =
        LocalJwtIssuer.loadOrCreate(data.resolve(), LocalStack.ISSUER, LocalStack.AUDIENCE);
    System.out.println(issuer.mint(TenantId.of(tenant), subject, ttl));
    return 0;
  }
}
