/**
 * Running this module's functions locally ({@code maestro invoke azure FUNCTION PAYLOAD}): the HTTP
 * API function on a request file, the {@code tick} activity, and a local driver of a continuation's
 * orchestration. The Durable Task backend does not run here: {@link
 * dev.maestro.azure.local.LocalDurableClient} records what the functions ask of it (starts, raised
 * events) in the data directory, and {@link dev.maestro.azure.local.LocalOrchestration} plays the
 * orchestrator's protocol with the real {@code tick} activity over those records. The store is
 * supplied by the caller ({@link dev.maestro.azure.local.LocalInvoke.StoreOpener}); the CLI uses
 * the embedded SQLite substrate.
 */
package dev.maestro.azure.local;
