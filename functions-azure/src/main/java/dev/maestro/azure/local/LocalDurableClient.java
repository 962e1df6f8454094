package dev.maestro.azure.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationStatusQuery;
import com.microsoft.durabletask.OrchestrationStatusQueryResult;
import com.microsoft.durabletask.PurgeInstanceCriteria;
import com.microsoft.durabletask.PurgeResult;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Durable client for local invocations: the Durable Task backend does not run here, so what the
 * functions ask of it is recorded instead, one "orchestration inbox" per instance: the JSON-lines
 * file {@code DIR/<instance id>.jsonl}, kept across invocations. Each line is one record with a
 * sequence number ({@code seq}, its line number) and the time it was written ({@code at}):
 *
 * <ul>
 *   <li>{@code {"type": "start", "name", "input"}}: {@link #scheduleNewOrchestrationInstance}; the
 *       input as given (the Maestro starter passes {@code OrchestrationInput} JSON as a string);
 *   <li>{@code {"type": "event", "name", "data"}}: {@link #raiseEvent}; the data as given;
 *   <li>{@code {"type": "delivered", "event": seq}}: the local orchestration driver ({@link
 *       LocalOrchestration}) delivered that event;
 *   <li>{@code {"type": "completed", "status"}}: the driver saw the orchestration end.
 * </ul>
 *
 * <p>Starting an instance whose start is recorded and which has not completed fails, as the backend
 * refuses a second running instance with one id (the Maestro starter then raises the wake as an
 * event instead). Events are recorded whether or not a start is. Queries, termination, purging and
 * the other management calls are not modelled and throw {@link UnsupportedOperationException}: no
 * function of this module uses them.
 */
public final class LocalDurableClient extends DurableTaskClient {

  /** Record types. */
  public static final String START = "start";

  public static final String EVENT = "event";
  public static final String DELIVERED = "delivered";
  public static final String COMPLETED = "completed";

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final Path dir;
  private final Clock clock;

  /**
   * @param dir where the inboxes are kept (created when missing)
   * @param clock the time written on each record
   */
  public LocalDurableClient(Path dir, Clock clock) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One record of an inbox. */
  public record Entry(long seq, Instant at, String type, ObjectNode json) {
    /** The start's orchestrator name or the event's name. */
    public String name() {
      return json.path("name").asText(null);
    }

    /** The start's input or the event's data. */
    public JsonNode data() {
      return json.has("input") ? json.get("input") : json.path("data");
    }
  }

  /** The directory the inboxes are kept in. */
  public Path dir() {
    return dir;
  }

  /** The inbox file of {@code instanceId}. */
  public Path inbox(String instanceId) {
    if (!SAFE_ID.matcher(instanceId).matches())
      throw new IllegalArgumentException(
          "instance id " + instanceId + " is not usable as a file name here");
    return dir.resolve(instanceId + ".jsonl");
  }

  /** Every record of {@code instanceId}'s inbox, in order; empty when it has none. */
  public List<Entry> entries(String instanceId) {
    Path file = inbox(instanceId);
    if (!Files.exists(file)) return List.of();
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last start recorded for {@code instanceId}. */
  public Optional<Entry> started(String instanceId) {
    return entries(instanceId).stream().filter(e -> START.equals(e.type())).reduce((a, b) -> b);
  }

  /** The raised events of {@code instanceId} not yet delivered, oldest first. */
  public List<Entry> undelivered(String instanceId) {
    List<Entry> entries = entries(instanceId);
    Set<Long> delivered = new HashSet<>();
    for (Entry e : entries)
      if (DELIVERED.equals(e.type())) delivered.add(e.json().path("event").asLong());
    return entries.stream()
        .filter(e -> EVENT.equals(e.type()) && !delivered.contains(e.seq()))
        .toList();
  }

  /** Records that the local driver delivered event {@code seq}. */
  public void delivered(String instanceId, long seq) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("event", seq);
    append(instanceId, DELIVERED, record);
  }

  /** Records that the local driver saw the orchestration end with {@code status}. */
  public void completed(String instanceId, String status) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("status", status);
    append(instanceId, COMPLETED, record);
  }

  @Override
  public String scheduleNewOrchestrationInstance(
      String orchestratorName, NewOrchestrationInstanceOptions options) {
    String instance =
        options.getInstanceId() == null ? UUID.randomUUID().toString() : options.getInstanceId();
    boolean running =
        entries(instance).stream()
            .filter(e -> START.equals(e.type()) || COMPLETED.equals(e.type()))
            .reduce((a, b) -> b)
            .map(e -> START.equals(e.type()))
            .orElse(false);
    if (running)
      throw new IllegalStateException(
          "an orchestration instance with id " + instance + " exists and has not completed");
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("name", orchestratorName);
    record.set("input", Json.mapper().valueToTree(options.getInput()));
    if (options.getStartTime() != null) record.put("startTime", options.getStartTime().toString());
    append(instance, START, record);
    return instance;
  }

  @Override
  public void raiseEvent(String instanceId, String eventName, Object eventPayload) {
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    record.put("name", eventName);
    record.set("data", Json.mapper().valueToTree(eventPayload));
    append(instanceId, EVENT, record);
  }

  /**
   * Appends one record under a file lock, so invocations in several processes do not interleave.
   */
  private void append(String instanceId, String type, ObjectNode fields) {
    Path file = inbox(instanceId);
    try {
      Files.createDirectories(dir);
      try (FileChannel channel =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        long seq = Files.readAllLines(file, StandardCharsets.UTF_8).size() + 1L;
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("seq", seq);
        record.put("at", clock.instant().toString());
        record.put("type", type);
        record.setAll(fields);
        byte[] line = (Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8);
        channel.position(channel.size());
        channel.write(ByteBuffer.wrap(line));
        channel.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the orchestration inbox " + file, e);
    }
  }

  private static List<Entry> parse(List<String> lines) {
    var entries = new ArrayList<Entry>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      JsonNode node = Json.tree(line);
      if (!(node instanceof ObjectNode record)) continue;
      entries.add(
          new Entry(
              record.path("seq").asLong(),
              Instant.parse(record.path("at").asText()),
              record.path("type").asText(),
              record));
    }
    return entries;
  }

  private static UnsupportedOperationException notModelled(String what) {
    return new UnsupportedOperationException(
        what + " is not modelled by the local Durable client (no Durable Task backend runs here)");
  }

  @Override
  public OrchestrationMetadata getInstanceMetadata(String instanceId, boolean getInputsAndOutputs) {
    throw notModelled("getInstanceMetadata");
  }

  @Override
  public OrchestrationMetadata waitForInstanceStart(
      String instanceId, Duration timeout, boolean getInputsAndOutputs) {
    throw notModelled("waitForInstanceStart");
  }

  @Override
  public OrchestrationMetadata waitForInstanceCompletion(
      String instanceId, Duration timeout, boolean getInputsAndOutputs) {
    throw notModelled("waitForInstanceCompletion");
  }

  @Override
  public void terminate(String instanceId, Object output) {
    throw notModelled("terminate");
  }

  @Override
  public OrchestrationStatusQueryResult queryInstances(OrchestrationStatusQuery query) {
    throw notModelled("queryInstances");
  }

  @Override
  public void createTaskHub(boolean recreateIfExists) {
    throw notModelled("createTaskHub");
  }

  @Override
  public void deleteTaskHub() {
    throw notModelled("deleteTaskHub");
  }

  @Override
  public PurgeResult purgeInstance(String instanceId) {
    throw notModelled("purgeInstance");
  }

  @Override
  public PurgeResult purgeInstances(PurgeInstanceCriteria purgeInstanceCriteria) {
    throw notModelled("purgeInstances");
  }

  @Override
  public String restartInstance(String instanceId, boolean restartWithNewInstanceId) {
    throw notModelled("restartInstance");
  }

  @Override
  public void suspendInstance(String instanceId, String reason) {
    throw notModelled("suspendInstance");
  }

  @Override
  public void resumeInstance(String instanceId, String reason) {
    throw notModelled("resumeInstance");
  }
}
