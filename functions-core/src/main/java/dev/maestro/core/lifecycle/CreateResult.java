package dev.maestro.core.lifecycle;

import dev.maestro.core.continuation.Continuation;

/**
 * A created continuation; {@code replayed} is true when an earlier request with the same
 * idempotency key created it and this call only returned it.
 */
public record CreateResult(Continuation continuation, boolean replayed) {}
