package dev.maestro.local.cli;

/**
 * A top-level {@code maestro} command contributed by a module further up the build (the policy
 * trainer and replay live in {@code eval}, next to their heavier dependencies). Found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.maestro.local.cli.CommandProvider}) and
 * added after the built-in commands.
 */
public interface CommandProvider {

  /** A new picocli command object (annotated with {@code @Command}). */
  Object command();
}
