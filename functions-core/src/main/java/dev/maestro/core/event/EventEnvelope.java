package dev.maestro.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * One event in a continuation's append-only log. The envelope carries identity (continuation,
 * tenant), ordering ({@code sequence}, gapless from 1), fencing ({@code generation}), tracing, the
 * runtime that did the work, and a SHA-256 {@code hash} over all other fields including {@code
 * prevHash}, which chains every event to its predecessor for tamper evidence (ADR-0002).
 */
@JsonPropertyOrder({
  "continuationId", "tenant", "generation", "sequence", "type", "timestamp",
  "traceId", "spanId", "runtime", "payload", "prevHash", "hash"
})
public record EventEnvelope(
    ContinuationId continuationId,
    TenantId tenant,
    long generation,
    long sequence,
    EventType type,
    Instant timestamp,
    String traceId,
    String spanId,
    Runtime runtime,
    EventPayload payload,
    String prevHash,
    String hash) {

  /** The {@code prevHash} of a continuation's first event. */
  public static final String GENESIS = "0".repeat(64);

  public EventEnvelope {
    Objects.requireNonNull(continuationId, "continuationId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
    if (generation < 0) throw new IllegalArgumentException("generation must be >= 0");
    if (sequence < 1) throw new IllegalArgumentException("sequence starts at 1");
    if (payload.type() != type) {
      throw new IllegalArgumentException(
          "type " + type.wire() + " does not match payload " + payload.type().wire());
    }
  }

  /** Builds an envelope and computes its hash, chaining it to {@code prevHash}. */
  public static EventEnvelope seal(
      ContinuationId continuationId,
      TenantId tenant,
      long generation,
      long sequence,
      Instant timestamp,
      String traceId,
      String spanId,
      Runtime runtime,
      EventPayload payload,
      String prevHash) {
    var unsealed =
        new EventEnvelope(
            continuationId,
            tenant,
            generation,
            sequence,
            payload.type(),
            timestamp,
            traceId,
            spanId,
            runtime,
            payload,
            prevHash,
            "");
    return unsealed.withHash(unsealed.computeHash());
  }

  /** JSON creator: the payload's concrete type is chosen by {@code type}. */
  @JsonCreator
  static EventEnvelope fromJson(
      @JsonProperty(value = "continuationId", required = true) ContinuationId continuationId,
      @JsonProperty(value = "tenant", required = true) TenantId tenant,
      @JsonProperty(value = "generation", required = true) long generation,
      @JsonProperty(value = "sequence", required = true) long sequence,
      @JsonProperty(value = "type", required = true) EventType type,
      @JsonProperty(value = "timestamp", required = true) Instant timestamp,
      @JsonProperty(value = "traceId", required = true) String traceId,
      @JsonProperty(value = "spanId", required = true) String spanId,
      @JsonProperty(value = "runtime", required = true) Runtime runtime,
      @JsonProperty(value = "payload", required = true) JsonNode payload,
      @JsonProperty(value = "prevHash", required = true) String prevHash,
      @JsonProperty(value = "hash", required = true) String hash) {
    EventPayload body = Json.convert(payload, type.payloadType());
    return new EventEnvelope(
        continuationId,
        tenant,
        generation,
        sequence,
        type,
        timestamp,
        traceId,
        spanId,
        runtime,
        body,
        prevHash,
        hash);
  }

  /** SHA-256 (hex) over the canonical JSON of every field but {@code hash}. */
  public String computeHash() {
    var fields = new LinkedHashMap<String, Object>();
    fields.put("continuationId", continuationId.value());
    fields.put("tenant", tenant.value());
    fields.put("generation", generation);
    fields.put("sequence", sequence);
    fields.put("type", type.wire());
    fields.put("timestamp", timestamp.toString());
    fields.put("traceId", traceId);
    fields.put("spanId", spanId);
    fields.put("runtime", runtime.wire());
    fields.put("payload", payload);
    fields.put("prevHash", prevHash);
    return Json.canonicalSha256(fields);
  }

  /** Whether the stored hash matches the content (false means the event was altered). */
  public boolean hashIsValid() {
    return hash.equals(computeHash());
  }

  private EventEnvelope withHash(String newHash) {
    return new EventEnvelope(
        continuationId,
        tenant,
        generation,
        sequence,
        type,
        timestamp,
        traceId,
        spanId,
        runtime,
        payload,
        prevHash,
        newHash);
  }
}
