package dev.maestro.core.field;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared values for the field tests. */
final class Fixtures {

  static final TenantId TENANT = TenantId.of("acme");
  static final ContinuationId CONTINUATION =
      ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057");
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private Fixtures() {}

  static FieldQuery query() {
    return new FieldQuery(
        TENANT, CONTINUATION, "licence obligations for redistribution", null, 10, NOW, "v1");
  }

  static FieldCandidate candidate(String id, String text, int tokens, Map<String, Double> f) {
    return FieldCandidate.of(
        id, Channel.SEMANTIC, text, tokens, Provenance.of("corpus", "doc-" + id), f);
  }

  static FieldCandidate candidate(
      String id, Channel channel, int tokens, Map<String, Double> features, float... vector) {
    return new FieldCandidate(
        id,
        channel,
        "text of " + id,
        tokens,
        List.of(Provenance.of(channel.wire(), "doc-" + id)),
        features,
        vector.length == 0 ? null : vector);
  }

  /** A channel answering a fixed list, or sleeping, or throwing. */
  static RecallChannel channel(String name, Channel kind, List<FieldCandidate> answer) {
    return new RecallChannel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Channel kind() {
        return kind;
      }

      @Override
      public List<FieldCandidate> recall(FieldQuery query, int limit) {
        return answer;
      }
    };
  }
}
