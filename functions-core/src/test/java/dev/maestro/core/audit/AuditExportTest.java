package dev.maestro.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.conformance.Fixtures;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AuditExportTest {

  private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

  /** Three continuations' logs, in export order. */
  private static List<EventEnvelope> logs(int perContinuation) {
    var all = new ArrayList<EventEnvelope>();
    TenantId tenant = Fixtures.tenant("audit");
    for (int c = 0; c < 3; c++) {
      var spawned = Fixtures.spawned(tenant, AT.plusSeconds(c));
      all.add(spawned.spawn());
      all.addAll(Fixtures.following(spawned.spawn(), 1, perContinuation));
    }
    return all;
  }

  private static List<String> export(List<EventEnvelope> events) {
    var out = new StringWriter();
    AuditExport.write(events, "tenant audit", AT, out);
    return new ArrayList<>(out.toString().lines().toList());
  }

  private static AuditExport.Report verify(List<String> lines, String expected) {
    return AuditExport.verify(
        new BufferedReader(new StringReader(String.join("\n", lines) + "\n")), expected);
  }

  @Test
  void anUntouchedExportVerifiesAndItsAnchorMatches() {
    List<EventEnvelope> events = logs(4);
    var out = new StringWriter();
    AuditExport.Written written = AuditExport.write(events, "tenant audit", AT, out);
    List<String> lines = out.toString().lines().toList();

    AuditExport.Report report = verify(lines, written.lastDigest());

    assertThat(report.problems()).isEmpty();
    assertThat(report.events()).isEqualTo(15).isEqualTo(written.events());
    assertThat(lines).hasSize(17); // header, 15 events, trailer
    assertThat(verify(lines, "0".repeat(64)).problems())
        .singleElement()
        .asString()
        .contains("expected");
  }

  @Test
  void eachKindOfTamperingIsNamedAtItsLine() {
    List<String> lines = export(logs(3));

    List<String> altered = new ArrayList<>(lines);
    ObjectNode record = (ObjectNode) Json.tree(altered.get(3));
    ((ObjectNode) record.get("event")).put("timestamp", "2026-11-23T10:00:09Z");
    altered.set(3, Json.write(record));
    assertThat(verify(altered, null).problems())
        .anyMatch(p -> p.startsWith("line 4: the chain breaks"));

    List<String> dropped = new ArrayList<>(lines);
    dropped.remove(5);
    assertThat(verify(dropped, null).problems()).anyMatch(p -> p.contains("line 6"));

    List<String> swapped = new ArrayList<>(lines);
    Collections.swap(swapped, 2, 3);
    assertThat(verify(swapped, null).intact()).isFalse();

    List<String> cut = new ArrayList<>(lines.subList(0, lines.size() - 1));
    assertThat(verify(cut, null).problems())
        .containsExactly("no trailer: the export was cut short");

    assertThat(verify(List.of(), null).problems()).containsExactly("the export is empty");
    assertThat(verify(List.of("{\"format\":\"other\"}"), null).problems())
        .singleElement()
        .asString()
        .contains("header");
  }

  @Test
  void aRecomputedExportChainStillFailsTheEventsOwnHashes() {
    List<EventEnvelope> events = new ArrayList<>(logs(3));
    // Forge: drop one event from the middle of a log and re-export, so the export chain is
    // internally consistent; the continuation's own chain shows the gap.
    events.remove(2);
    AuditExport.Report report = verify(export(events), null);
    assertThat(report.problems()).anyMatch(p -> p.contains("jumps from sequence 2 to 4"));
  }

  enum Tamper {
    ALTER,
    DROP,
    SWAP,
    DUPLICATE,
    TRUNCATE
  }

  @Provide
  Arbitrary<Tamper> tampers() {
    return Arbitraries.of(Tamper.class);
  }

  @Property(tries = 200)
  void anyAlteredDroppedReorderedOrRepeatedEventIsDetected(
      @ForAll("tampers") Tamper tamper,
      @ForAll @IntRange(min = 1, max = 6) int perContinuation,
      @ForAll @IntRange(min = 0, max = 1000) int where) {
    List<String> lines = export(logs(perContinuation));
    int events = lines.size() - 2;
    int i = 1 + where % events; // a record line
    List<String> t = new ArrayList<>(lines);
    switch (tamper) {
      case ALTER -> {
        ObjectNode record = (ObjectNode) Json.tree(t.get(i));
        ((ObjectNode) record.get("event")).put("generation", 99);
        t.set(i, Json.write(record));
      }
      case DROP -> t.remove(i);
      case SWAP -> Collections.swap(t, i, i == events ? i - 1 : i + 1);
      case DUPLICATE -> t.add(i, t.get(i));
      case TRUNCATE -> t = new ArrayList<>(t.subList(0, i));
    }
    assertThat(verify(t, null).intact()).as(tamper + " at line " + (i + 1)).isFalse();
    assertThat(verify(lines, null).intact()).isTrue();
  }
}
