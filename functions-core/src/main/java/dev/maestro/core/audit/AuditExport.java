package dev.maestro.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tamper-evident export of event logs (BRIEF §12): JSON Lines, a header, one record per event and
 * a trailer. Each record carries {@code digest = SHA-256(previous digest || canonical event JSON)},
 * starting from the header's digest, and the trailer carries the count and the last digest.
 * Changing, dropping, inserting or reordering any event breaks the chain at that record; cutting
 * the file short loses or contradicts the trailer.
 *
 * <p>{@link #verify} also re-checks every event against its own log: its hash, its link to the
 * previous event of its continuation ({@code prevHash}) and contiguous sequences from 1, so an
 * export whose export chain was recomputed after an edit is still caught unless every event hash
 * after the edit was forged too. To make the whole export unforgeable, keep the trailer's digest
 * (printed on export) somewhere the exporter cannot rewrite and pass it to {@code verify}.
 */
public final class AuditExport {

  /** The format name in the header. */
  public static final String FORMAT = "maestro-audit/1";

  private AuditExport() {}

  /** What an export wrote: how many events and the last digest (anchor it elsewhere). */
  public record Written(long events, String lastDigest) {}

  /**
   * Writes {@code events} (in export order: by continuation, then sequence) for {@code scope} (a
   * description, e.g. the tenant) to {@code out}.
   */
  public static Written write(
      Iterable<EventEnvelope> events, String scope, Instant exportedAt, Writer out) {
    try {
      ObjectNode header =
          JsonNodeFactory.instance
              .objectNode()
              .put("format", FORMAT)
              .put("scope", scope)
              .put("exportedAt", exportedAt.toString());
      String digest = sha256("", Json.canonical(header));
      header.put("digest", digest);
      line(out, header);
      long n = 0;
      for (EventEnvelope e : events) {
        JsonNode event = Json.toTree(e);
        digest = sha256(digest, Json.canonical(event));
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("n", ++n);
        record.set("event", event);
        record.put("digest", digest);
        line(out, record);
      }
      line(out, JsonNodeFactory.instance.objectNode().put("count", n).put("lastDigest", digest));
      out.flush();
      return new Written(n, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What verification found: the events checked, the last digest, and every problem (empty when the
   * export is intact), each naming its line.
   */
  public record Report(long events, String lastDigest, List<String> problems) {
    public Report {
      problems = List.copyOf(problems);
    }

    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * Verifies an export read from {@code in}; when {@code expectedDigest} is not null, the trailer's
   * last digest must equal it.
   */
  public static Report verify(BufferedReader in, String expectedDigest) {
    var problems = new ArrayList<String>();
    Map<String, EventEnvelope> lastOfContinuation = new HashMap<>();
    long events = 0;
    String digest = null;
    boolean trailer = false;
    int lineNo = 0;
    boolean header = false;
    try {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) continue;
        if (trailer) {
          problems.add("line " + lineNo + ": content after the trailer");
          break;
        }
        JsonNode node;
        try {
          node = Json.tree(line);
        } catch (RuntimeException bad) {
          problems.add("line " + lineNo + ": not JSON");
          break;
        }
        if (!header) {
          header = true;
          if (!FORMAT.equals(node.path("format").asText())) {
            problems.add("line " + lineNo + ": not a " + FORMAT + " export header");
            break;
          }
          ObjectNode fields = ((ObjectNode) node).deepCopy();
          String stated = fields.path("digest").asText();
          fields.remove("digest");
          digest = sha256("", Json.canonical(fields));
          if (!digest.equals(stated)) problems.add("line " + lineNo + ": the header was altered");
          continue;
        }
        if (node.has("count")) {
          trailer = true;
          if (node.path("count").asLong() != events) {
            problems.add(
                "line "
                    + lineNo
                    + ": the trailer counts "
                    + node.path("count").asLong()
                    + " events but the export holds "
                    + events);
          }
          if (!Objects.equals(node.path("lastDigest").asText(), digest)) {
            problems.add("line " + lineNo + ": the trailer's digest does not match the chain");
          }
          continue;
        }
        events++;
        JsonNode event = node.path("event");
        if (node.path("n").asLong() != events) {
          problems.add(
              "line "
                  + lineNo
                  + ": record "
                  + node.path("n").asLong()
                  + " where "
                  + events
                  + " was expected (dropped, inserted or reordered)");
        }
        digest = sha256(digest, Json.canonical(event));
        if (!digest.equals(node.path("digest").asText())) {
          problems.add(
              "line "
                  + lineNo
                  + ": the chain breaks here (an event was altered, dropped or moved)");
          digest = node.path("digest").asText(); // resynchronise to report later breaks too
        }
        checkEvent(event, lineNo, lastOfContinuation, problems);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!header) problems.add("the export is empty");
    else if (!trailer && problems.isEmpty()) problems.add("no trailer: the export was cut short");
    if (expectedDigest != null && !Objects.equals(expectedDigest, digest)) {
      problems.add("the last digest is " + digest + ", not the expected " + expectedDigest);
    }
    return new Report(events, digest, problems);
  }

  private static void checkEvent(
      JsonNode json, int lineNo, Map<String, EventEnvelope> last, List<String> problems) {
    EventEnvelope e;
    try {
      e = Json.convert(json, EventEnvelope.class);
    } catch (RuntimeException bad) {
      problems.add("line " + lineNo + ": not an event: " + bad.getMessage());
      return;
    }
    String key = e.tenant().value() + "/" + e.continuationId().value();
    EventEnvelope previous = last.put(key, e);
    if (!e.hashIsValid()) {
      problems.add("line " + lineNo + ": event " + key + "#" + e.sequence() + " fails its hash");
    }
    long expected = previous == null ? 1 : previous.sequence() + 1;
    if (e.sequence() != expected) {
      problems.add(
          "line "
              + lineNo
              + ": "
              + key
              + " jumps from sequence "
              + (expected - 1)
              + " to "
              + e.sequence());
    } else if (previous != null && !previous.hash().equals(e.prevHash())) {
      problems.add(
          "line "
              + lineNo
              + ": "
              + key
              + "#"
              + e.sequence()
              + " does not link to #"
              + previous.sequence());
    }
  }

  private static void line(Writer out, JsonNode node) throws IOException {
    out.write(Json.write(node));
    out.write('\n');
  }

  private static String sha256(String previous, byte[] canonical) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(previous.getBytes(StandardCharsets.US_ASCII));
      md.update(canonical);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
