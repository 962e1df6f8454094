package dev.maestro.azure.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import dev.maestro.azure.cdc.ContinuationCdc;
import dev.maestro.azure.durable.ContinuationFunctions;
import dev.maestro.azure.durable.OrchestrationInput;
import dev.maestro.azure.durable.TickActivities;
import dev.maestro.azure.durable.TickActivityInput;
import dev.maestro.azure.functions.AzureRuntime;
import dev.maestro.azure.functions.EasyAuthIdentity;
import dev.maestro.azure.functions.HttpApiFunction;
import dev.maestro.azure.streams.EventGridWakeFunction;
import dev.maestro.azure.streams.ServiceBusWakeFunction;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.JsonFiles;
import dev.maestro.core.stream.DeadLetter;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.SubscriptionIndexer;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.stream.WakeSink;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.time.JumpingClock;
import dev.maestro.core.wake.Wake;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one of this module's functions in this process on a payload file and prints its response
 * ({@code maestro invoke azure FUNCTION PAYLOAD}), as {@code func start} plus a request would, with
 * the production wiring ({@link AzureRuntime}) over the store the caller opens ({@link
 * StoreOpener}; the CLI's is the embedded SQLite substrate). The Durable Task backend does not run
 * here: the Durable client the functions get is a {@link LocalDurableClient}, which records starts
 * and raised events in the data directory, and {@code orchestration} is a local driver of the
 * {@code tick} activity over those records ({@link LocalOrchestration}), not the Durable runtime.
 *
 * <p>Functions and payloads:
 *
 * <ul>
 *   <li>{@code api}: {@link HttpApiFunction} on a request ({@link HttpPayload}); prints {@code
 *       {"status", "headers", "body"}}, the body parsed when it is JSON. {@link
 *       Settings#principalTenant} sets the {@value EasyAuthIdentity#HEADER} header.
 *   <li>{@code tick}: the {@code tick} activity ({@link ContinuationFunctions#tick}) on a {@link
 *       TickActivityInput} ({@code {"tenant", "continuationId", "wake"?}}); prints the {@code
 *       TickActivityResult}.
 *   <li>{@code orchestration}: {@link LocalOrchestration} on {@code {"tenant", "continuation_id"}}
 *       or an {@link OrchestrationInput} (object, or a string holding one); without {@code
 *       pending}, the wakes of the start recorded for the instance are delivered first. Prints the
 *       {@link LocalOrchestration.Summary}.
 *   <li>{@code eventgrid-wake}: {@link EventGridWakeFunction} on an Event Grid schema or
 *       CloudEvents 1.0 event; {@code servicebus-wake}: {@link ServiceBusWakeFunction} on {@link
 *       ServiceBusPayload} ({@code {"body", "metadata": {"MessageId"}}}). Both fan out through the
 *       store's subscriptions, raise {@code wake} events through the local Durable client and keep
 *       poison records in the store's dead letters; they print {@code {"outcome", "woken",
 *       "deadLetters"}}.
 *   <li>{@code cosmos-cdc}: {@link ContinuationCdc} on {@link CdcPayload} (continuations of the
 *       store, or continuation documents), keeping the store's subscriptions and CDC cursors; fact
 *       rows go to stderr or {@link Settings#factsOut}; prints {@code {"processed", "factRows",
 *       "facts"}}.
 * </ul>
 *
 * <p>Progress and logs go to {@code err}. Exit codes: {@link #OK}; {@link #FAILED} when the
 * function threw (the response is then {@code {"errorMessage", "errorType"}}) or the orchestration
 * found no such continuation; {@link #USAGE} for an unknown function or an unreadable or invalid
 * payload file, before anything runs.
 */
public final class LocalInvoke {

  /** The function answered. */
  public static final int OK = 0;

  /** The function threw, or the orchestration's continuation does not exist. */
  public static final int FAILED = 1;

  /** Unknown function, or a payload file that cannot be read or is not the function's input. */
  public static final int USAGE = 2;

  /** The default most ticks of one {@code orchestration} drive. */
  public static final int DEFAULT_MAX_TICKS = 100;

  /**
   * The store a local invocation runs over, and what closes it.
   *
   * @param substrate the storage ports
   * @param timers the Durable scheduler's ledger
   * @param subscriptions the subscriptions index the stream functions fan out through and CDC keeps
   * @param deadLetters where the stream and CDC functions keep poison records
   * @param cdcCursors how far CDC has processed each continuation's log
   * @param description the store, in words, for the log
   * @param resource what closes the store; may be null
   */
  public record LocalStore(
      Substrate substrate,
      TimerQueue timers,
      Subscriptions subscriptions,
      DeadLetters deadLetters,
      ContinuationCdc.Cursors cdcCursors,
      String description,
      AutoCloseable resource)
      implements AutoCloseable {
    public LocalStore {
      Objects.requireNonNull(substrate, "substrate");
      Objects.requireNonNull(timers, "timers");
      Objects.requireNonNull(subscriptions, "subscriptions");
      Objects.requireNonNull(deadLetters, "deadLetters");
      Objects.requireNonNull(cdcCursors, "cdcCursors");
      Objects.requireNonNull(description, "description");
    }

    @Override
    public void close() throws Exception {
      if (resource != null) resource.close();
    }
  }

  /** Opens the store of one invocation. */
  public interface StoreOpener {
    LocalStore open() throws Exception;
  }

  /**
   * @param dataDir where the local Durable client keeps its inboxes ({@code orchestrations/})
   * @param noWait whether the orchestration's timers fire at once (the clock jumps ahead)
   * @param maxTicks the most ticks of one {@code orchestration} drive
   * @param principalTenant api: the caller's tenant claim; null keeps the payload's headers
   * @param principalOid api: the caller's object id; null: {@code local-user}
   * @param tenantClaim the claim naming the tenant ({@code MAESTRO_TENANT_CLAIM})
   * @param factsOut where {@code cosmos-cdc} writes its fact rows (newline-delimited JSON, replaced
   *     per invocation); null: stderr
   */
  public record Settings(
      Path dataDir,
      boolean noWait,
      int maxTicks,
      String principalTenant,
      String principalOid,
      String tenantClaim,
      Path factsOut) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      if (maxTicks <= 0) throw new IllegalArgumentException("maxTicks must be positive");
      if (tenantClaim == null || tenantClaim.isBlank())
        tenantClaim = EasyAuthIdentity.DEFAULT_TENANT_CLAIM;
    }

    /** Where the local Durable client's inboxes are. */
    public Path inboxes() {
      return dataDir.resolve("orchestrations");
    }
  }

  private static final Map<String, Target<?>> TARGETS = targets();

  private final Settings settings;
  private final StoreOpener store;
  private final PrintStream out;
  private final PrintStream err;

  public LocalInvoke(Settings settings, StoreOpener store, PrintStream out, PrintStream err) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.store = Objects.requireNonNull(store, "store");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** The functions, by name, each with one line on what it is and what its payload is. */
  public static Map<String, String> functions() {
    var all = new LinkedHashMap<String, String>();
    TARGETS.forEach((name, target) -> all.put(name, target.description()));
    return all;
  }

  /** Runs {@code function} on the payload in {@code payloadFile}; returns the exit code. */
  public int invoke(String function, Path payloadFile) {
    Target<?> target = TARGETS.get(function);
    if (target == null) {
      err.println("maestro invoke azure: no function '" + function + "'. Functions:");
      functions().forEach((name, what) -> err.printf("  %-20s %s%n", name, what));
      return USAGE;
    }
    return run(function, target, payloadFile);
  }

  private <I> int run(String function, Target<I> target, Path payloadFile) {
    I input =
        JsonFiles.input(
            payloadFile,
            "payload",
            target.input(),
            loaded -> target.parser().parse(loaded.tree(), settings),
            "maestro invoke azure " + function,
            err);
    if (input == null) return USAGE;
    try (LocalStore opened = store.open()) {
      err.println("maestro invoke azure " + function + ": " + opened.description());
      var clock = new JumpingClock();
      var runtime = new AzureRuntime(opened.substrate(), opened.timers(), clock);
      var durable = new LocalDurableClient(settings.inboxes(), clock);
      var wiring = new Wiring(runtime, durable, clock, settings, opened, err);
      Result result;
      try {
        result = target.runner().run(wiring, input);
      } catch (Exception e) {
        e.printStackTrace(err);
        JsonFiles.print(out, JsonFiles.errorDocument(e));
        return FAILED;
      }
      JsonFiles.print(out, result.response());
      return result.exit();
    } catch (Exception storeFailed) {
      err.println("maestro invoke azure " + function + ": the store failed: " + storeFailed);
      return FAILED;
    }
  }

  /** {@code tree} as {@code type}, read as strictly as the functions read their input. */
  private static <T> T strict(JsonNode tree, Class<T> type) {
    try {
      return Json.mapper().treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(dev.maestro.core.json.Json.describe(e), e);
    }
  }

  // ---- the functions ----

  private interface Parser<I> {
    /** The function's input; an {@link IllegalArgumentException} says why the payload is not. */
    I parse(JsonNode payload, Settings settings);
  }

  private interface Runner<I> {
    Result run(Wiring wiring, I input) throws Exception;
  }

  /** What to print and the exit code. */
  private record Result(JsonNode response, int exit) {
    static Result ok(JsonNode response) {
      return new Result(response, OK);
    }
  }

  private record Target<I>(String description, String input, Parser<I> parser, Runner<I> runner) {}

  /** What every function is built from. */
  private record Wiring(
      AzureRuntime runtime,
      LocalDurableClient durable,
      JumpingClock clock,
      Settings settings,
      LocalStore store,
      PrintStream err) {
    ContinuationFunctions continuationFunctions() {
      TickActivities activities = runtime.tickActivities();
      return new ContinuationFunctions(() -> activities);
    }
  }

  /** The orchestration payload, and whether it named the wakes to deliver itself. */
  private record OrchestrationPayload(OrchestrationInput input, boolean explicitPending) {}

  private static Map<String, Target<?>> targets() {
    var t = new LinkedHashMap<String, Target<?>>();
    t.put(
        "api",
        new Target<>(
            "HTTP API (HttpApiFunction); payload: {method, path|url, headers, body}",
            "an HTTP request ({\"method\", \"path\" or \"url\", \"headers\", \"body\"})",
            (payload, settings) -> {
              LocalHttpRequest request = HttpPayload.read(payload);
              if (settings.principalTenant() != null) {
                var claims = new LinkedHashMap<String, String>();
                claims.put(
                    "http://schemas.microsoft.com/identity/claims/objectidentifier",
                    settings.principalOid() == null ? "local-user" : settings.principalOid());
                claims.put(settings.tenantClaim(), settings.principalTenant());
                request = HttpPayload.withPrincipal(request, claims);
              }
              return request;
            },
            LocalInvoke::api));
    t.put(
        "tick",
        new Target<>(
            "the tick activity (ContinuationFunctions.tick); payload: TickActivityInput",
            "a TickActivityInput ({\"tenant\", \"continuationId\", \"wake\"})",
            (payload, settings) -> {
              TickActivityInput input = strict(payload, TickActivityInput.class);
              input.ref();
              return input;
            },
            (w, input) -> Result.ok(Json.tree(w.continuationFunctions().tick(input.toJson())))));
    t.put(
        "orchestration",
        new Target<>(
            "local driver of the orchestration's tick loop (not the Durable runtime);"
                + " payload: {tenant, continuation_id}",
            "{\"tenant\", \"continuation_id\"} or an OrchestrationInput",
            (payload, settings) -> orchestrationPayload(payload),
            LocalInvoke::orchestration));
    t.put(
        "eventgrid-wake",
        new Target<>(
            "stream wakes (EventGridWakeFunction); payload: an Event Grid or CloudEvents 1.0 event",
            "an Event Grid schema or CloudEvents 1.0 event (a JSON object, or an array of one)",
            (payload, settings) -> Json.write(payload),
            LocalInvoke::eventGrid));
    t.put(
        "servicebus-wake",
        new Target<>(
            "stream wakes (ServiceBusWakeFunction); payload: {body, metadata: {MessageId}}",
            "{\"body\": <the message: a JSON value, or a string sent as is>,"
                + " \"metadata\": {\"MessageId\"}}",
            (payload, settings) -> ServiceBusPayload.read(payload),
            LocalInvoke::serviceBus));
    t.put(
        "cosmos-cdc",
        new Target<>(
            "CDC (ContinuationCdc) over the local store, fact rows to stderr;"
                + " payload: [{tenant, continuation_id}] or continuation documents",
            "a JSON array of {\"tenant\", \"continuation_id\"} items or continuation documents"
                + " ({\"tenant\", \"continuationId\", \"logHeadSequence\"})",
            (payload, settings) -> CdcPayload.read(payload),
            LocalInvoke::cdc));
    return t;
  }

  private static Result api(Wiring w, LocalHttpRequest request) {
    var function = new HttpApiFunction(w.runtime()::router, w.settings().tenantClaim());
    w.err().println("  " + request.method() + " " + request.uri());
    HttpResponseMessage response =
        function.run(
            request, durableContext(w.durable()), new LocalExecutionContext("api", w.err()));
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("status", response.getStatusCode());
    ObjectNode headers = json.putObject("headers");
    if (response instanceof LocalHttpRequest.Response local) local.headers().forEach(headers::put);
    json.set("body", body(response));
    return Result.ok(json);
  }

  /** The response body: parsed when it is JSON, else text; null when there is none. */
  private static JsonNode body(HttpResponseMessage response) {
    Object body = response.getBody();
    if (body == null) return JsonNodeFactory.instance.nullNode();
    String text =
        body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : body.toString();
    if (text.isEmpty()) return JsonNodeFactory.instance.nullNode();
    String type = response.getHeader("Content-Type");
    if (type != null && type.toLowerCase().contains("json")) {
      try {
        return Json.mapper().readTree(text);
      } catch (JsonProcessingException notJson) {
        return TextNode.valueOf(text);
      }
    }
    return TextNode.valueOf(text);
  }

  private static DurableClientContext durableContext(DurableTaskClient client) {
    return new DurableClientContext() {
      @Override
      public DurableTaskClient getClient() {
        return client;
      }
    };
  }

  private static OrchestrationPayload orchestrationPayload(JsonNode payload) {
    OrchestrationInput input;
    boolean explicitPending;
    if (payload.isTextual()) {
      input = strict(Json.tree(payload.asText()), OrchestrationInput.class);
      explicitPending = true;
    } else if (payload.isObject()) {
      ObjectNode fields = ((ObjectNode) payload).deepCopy();
      if (fields.has("continuation_id")) {
        if (fields.has("continuationId"))
          throw new IllegalArgumentException("give one of continuation_id and continuationId");
        fields.set("continuationId", fields.remove("continuation_id"));
      }
      explicitPending = fields.has("pending");
      input = strict(fields, OrchestrationInput.class);
    } else {
      throw new IllegalArgumentException("the payload must be a JSON object");
    }
    new TickActivityInput(input.tenant(), input.continuationId(), null).ref();
    return new OrchestrationPayload(input, explicitPending);
  }

  private static Result orchestration(Wiring w, OrchestrationPayload payload) {
    OrchestrationInput input = payload.input();
    LocalDurableClient durable = w.durable();
    String instance = input.continuationId();
    w.err()
        .println(
            "  local orchestration driver (the tick activity in the orchestrator's loop; not the"
                + " Durable runtime), inbox "
                + durable.inbox(instance));
    if (!payload.explicitPending()) {
      var start = durable.started(instance);
      if (start.isPresent()) {
        JsonNode data = start.get().data();
        OrchestrationInput started =
            data.isTextual()
                ? OrchestrationInput.fromJson(data.asText())
                : Json.convert(data, OrchestrationInput.class);
        input =
            new OrchestrationInput(
                input.tenant(),
                instance,
                started.pending(),
                input.ticksPerExecution(),
                input.executions());
        w.err()
            .println(
                "  started "
                    + start.get().at()
                    + "; pending wakes: "
                    + started.pending().stream().map(Wake::id).toList());
      } else {
        w.err().println("  no start recorded: the first tick only reads the state");
      }
    }
    var driver =
        new LocalOrchestration(
            w.continuationFunctions()::tick,
            durable,
            w.clock(),
            w.settings().noWait(),
            w.settings().maxTicks(),
            w.err());
    LocalOrchestration.Summary summary = driver.drive(input);
    return new Result(
        summary.toJson(durable), TickActivities.NOT_FOUND.equals(summary.status()) ? FAILED : OK);
  }

  // ---- stream wakes and CDC ----

  /** The ingest of one stream invocation over the local store, recording what it did. */
  private static StreamIngest ingest(
      Wiring w, DurableTaskClient client, List<ObjectNode> woken, List<DeadLetter> kept) {
    var scheduler = new SchedulerWakeSink(w.runtime().scheduler(client), w.clock());
    WakeSink sink =
        (ref, wake) -> {
          scheduler.deliver(ref, wake);
          ObjectNode json = JsonNodeFactory.instance.objectNode();
          json.put("tenant", ref.tenant().value());
          json.put("continuation_id", ref.id().value());
          json.put("wake_id", wake.id());
          json.put("kind", wake.kind().wire());
          json.put("channel", wake.channel());
          woken.add(json);
          w.err().println("  wake " + wake.id() + " raised for " + ref);
        };
    DeadLetters deadLetters =
        letter -> {
          w.store().deadLetters().record(letter);
          kept.add(letter);
          w.err().println("  dead-lettered: " + letter.error());
        };
    return new StreamIngest(w.store().subscriptions(), sink, deadLetters);
  }

  /** What a stream function did: the outcome, the wakes raised, the dead letters stored. */
  private static Result streamResult(
      StreamIngest.Outcome outcome, List<ObjectNode> woken, List<DeadLetter> kept) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("outcome", outcome.name());
    woken.forEach(json.putArray("woken")::add);
    var letters = json.putArray("deadLetters");
    for (DeadLetter letter : kept) {
      ObjectNode l = letters.addObject();
      l.put("source", letter.source());
      l.put("recordId", letter.recordId());
      l.put("receivedAt", letter.receivedAt().toString());
      l.put("error", letter.error());
    }
    return Result.ok(json);
  }

  private static Result eventGrid(Wiring w, String event) {
    var woken = new ArrayList<ObjectNode>();
    var kept = new ArrayList<DeadLetter>();
    var function = new EventGridWakeFunction(client -> ingest(w, client, woken, kept), w.clock());
    return streamResult(function.accept(event, w.durable()), woken, kept);
  }

  private static Result serviceBus(Wiring w, ServiceBusPayload message) {
    var woken = new ArrayList<ObjectNode>();
    var kept = new ArrayList<DeadLetter>();
    var function = new ServiceBusWakeFunction(client -> ingest(w, client, woken, kept), w.clock());
    return streamResult(
        function.accept(message.body(), message.messageId(), w.durable()), woken, kept);
  }

  private static Result cdc(Wiring w, List<JsonNode> items) throws IOException {
    var documents = new ArrayList<JsonNode>();
    for (JsonNode item : items) {
      documents.add(CdcPayload.document(item, w.runtime().substrate().events()));
    }
    try (var facts = new LocalFactSink(w.settings().factsOut(), w.err())) {
      var cdc =
          new ContinuationCdc(
              w.runtime().substrate().events(),
              new SubscriptionIndexer(w.store().subscriptions()),
              new PublishFanout(
                  w.store().subscriptions(),
                  new SchedulerWakeSink(w.runtime().scheduler(w.durable()), w.clock())),
              facts,
              w.store().cdcCursors(),
              w.store().deadLetters(),
              w.clock());
      int processed = cdc.process(documents);
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("processed", processed);
      json.put("factRows", facts.rows());
      json.put(
          "facts", w.settings().factsOut() == null ? "stderr" : w.settings().factsOut().toString());
      return Result.ok(json);
    }
  }
}
