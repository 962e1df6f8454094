package dev.maestro.azure.durable;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import java.util.Objects;

/**
 * What the orchestration hands the {@code tick} activity: the continuation and the wake to deliver
 * to it. A null wake asks only for the continuation's state (the first tick of an orchestration
 * started without a wake). Crosses the activity boundary as a JSON string (see {@link #toJson}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TickActivityInput(String tenant, String continuationId, Wake wake) {
  public TickActivityInput {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(continuationId, "continuationId");
  }

  /** The continuation this tick is for. */
  public ContinuationRef ref() {
    return new ContinuationRef(TenantId.of(tenant), ContinuationId.of(continuationId));
  }

  public String toJson() {
    return Json.write(this);
  }

  public static TickActivityInput fromJson(String json) {
    return Json.read(json, TickActivityInput.class);
  }
}
