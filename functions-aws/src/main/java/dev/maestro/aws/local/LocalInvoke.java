package dev.maestro.aws.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.maestro.aws.cdc.CdcHandler;
import dev.maestro.aws.dynamodb.DynamoSchema;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.aws.lambda.ApiGatewayIdentity;
import dev.maestro.aws.lambda.ApiHandler;
import dev.maestro.aws.lambda.AwsRuntime;
import dev.maestro.aws.stepfunctions.LocalStateMachine;
import dev.maestro.aws.streams.AwsStreamIngest;
import dev.maestro.aws.streams.EventBridgeWakeHandler;
import dev.maestro.aws.streams.KinesisWakeHandler;
import dev.maestro.aws.streams.SqsWakeHandler;
import dev.maestro.aws.tick.PhaseHandler;
import dev.maestro.aws.tick.PhaseIo;
import dev.maestro.aws.tick.TickPhases;
import dev.maestro.aws.tick.TickRequest;
import dev.maestro.aws.tick.WakeSweepHandler;
import dev.maestro.aws.tick.WakeSweeper;
import dev.maestro.core.facts.FactSink;
import dev.maestro.core.json.Json;
import dev.maestro.core.json.JsonFiles;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.time.JumpingClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one of this module's Lambda handlers in this process on an event file and prints its
 * response, as {@code sam local invoke} would ({@code maestro invoke aws FUNCTION EVENT}): the
 * event is read the way the Lambda Java runtime reads it ({@link LambdaEventReader}), the handler
 * gets a {@link LocalContext}, and its wiring is the production one ({@link AwsRuntime}) over a
 * local DynamoDB ({@link LocalStore}) with the timer ledger as the only scheduler, so wakes wait in
 * the ledger for {@code tick} or {@code sweep} instead of going to EventBridge Scheduler. {@code
 * tick} runs the whole Step Functions definition with {@link LocalStateMachine}.
 *
 * <p>The response goes to {@code out} as pretty JSON; progress and the handlers' logs go to {@code
 * err}. Exit codes: {@link #OK}; {@link #FAILED} when the handler threw (the response is then
 * Lambda's error document, {@code {"errorMessage", "errorType"}}) or the tick execution did not
 * succeed; {@link #USAGE} for an unknown function or an unreadable or invalid event file, before
 * anything runs.
 */
public final class LocalInvoke {

  /** The handler answered. */
  public static final int OK = 0;

  /** The handler threw, or the tick execution failed or timed out. */
  public static final int FAILED = 1;

  /** Unknown function, or an event file that cannot be read or is not the function's input. */
  public static final int USAGE = 2;

  /** The context's timeout: Lambda's maximum. */
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  /** What Lambda's serializer writes for the events library's response types. */
  private static final ObjectMapper RESPONSES =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** How a local invocation is set up. */
  public interface StoreOpener {
    /** Opens (or connects to) the DynamoDB the invocation uses. */
    LocalStore open() throws Exception;
  }

  /**
   * @param tablePrefix the DynamoDB table name prefix (tables are created when missing)
   * @param noWait whether Wait states and retry intervals pass at once (the clock jumps ahead)
   * @param factsOut where {@code cdc} writes its fact rows (newline-delimited JSON); null: stderr
   * @param leaseTtl how long a tick's lease lasts
   */
  public record Settings(String tablePrefix, boolean noWait, Path factsOut, Duration leaseTtl) {
    public Settings {
      Objects.requireNonNull(tablePrefix, "tablePrefix");
      Objects.requireNonNull(leaseTtl, "leaseTtl");
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

  /** The functions, by name, each with one line on what it is and what its event is. */
  public static Map<String, String> functions() {
    var all = new LinkedHashMap<String, String>();
    TARGETS.forEach((name, target) -> all.put(name, target.description()));
    return all;
  }

  /** Runs {@code function} on the event in {@code eventFile}; returns the exit code. */
  public int invoke(String function, Path eventFile) {
    Target<?> target = TARGETS.get(function);
    if (target == null) {
      err.println("maestro invoke aws: no function '" + function + "'. Functions:");
      functions().forEach((name, what) -> err.printf("  %-20s %s%n", name, what));
      return USAGE;
    }
    return run(function, target, eventFile);
  }

  private <I> int run(String function, Target<I> target, Path eventFile) {
    I input =
        JsonFiles.input(
            eventFile,
            "event",
            target.input(),
            loaded -> target.parser().parse(new Event(loaded.text(), loaded.tree())),
            "maestro invoke aws " + function,
            err);
    if (input == null) return USAGE;
    try (LocalStore opened = openStore()) {
      var tables = new DynamoTables(settings.tablePrefix());
      DynamoSchema.createIfMissing(opened.client(), tables);
      err.println(
          "maestro invoke aws "
              + function
              + ": "
              + opened.description()
              + ", tables "
              + tables.prefix()
              + "*");
      var clock = new JumpingClock();
      var runtime =
          new AwsRuntime(
              opened.client(),
              tables,
              ledger -> ledger,
              clock,
              "local-invoke:" + UUID.randomUUID(),
              settings.leaseTtl());
      var wiring = new Wiring(runtime, clock, settings, err);
      Context context = new LocalContext(function, TIMEOUT, err);
      Result result;
      try {
        result = target.runner().run(wiring, input, context);
      } catch (Exception e) {
        e.printStackTrace(err);
        JsonFiles.print(out, JsonFiles.errorDocument(e));
        return FAILED;
      }
      JsonFiles.print(out, result.response());
      return result.exit();
    } catch (Exception storeFailed) {
      err.println("maestro invoke aws " + function + ": the store failed: " + storeFailed);
      return FAILED;
    }
  }

  private LocalStore openStore() throws Exception {
    return store.open();
  }

  // ---- the functions ----

  /** The event file, as text and as parsed JSON. */
  private record Event(String text, JsonNode tree) {}

  private interface Parser<I> {
    /** The function's input; an {@link IllegalArgumentException} says why the event is not. */
    I parse(Event event);
  }

  private interface Runner<I> {
    Result run(Wiring wiring, I input, Context context) throws Exception;
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
      AwsRuntime runtime, JumpingClock clock, Settings settings, PrintStream err) {
    TickPhases phases() {
      return new TickPhases(
          runtime.tickEngine(Observability.NONE),
          runtime.ledger(),
          runtime.substrate().scheduler(),
          clock,
          TickPhases.DEFAULT_MARGIN);
    }
  }

  private static Map<String, Target<?>> targets() {
    var t = new LinkedHashMap<String, Target<?>>();
    t.put(
        "api",
        new Target<>(
            "HTTP API (ApiHandler); event: API Gateway HTTP API v2",
            "an API Gateway HTTP API (payload format 2.0) event",
            event -> LambdaEventReader.read(event.text(), APIGatewayV2HTTPEvent.class),
            (w, event, context) -> {
              var service =
                  new ContinuationService(w.runtime().substrate(), w.clock(), new SecureRandom());
              return Result.ok(
                  RESPONSES.valueToTree(
                      ApiHandler.of(service, ApiGatewayIdentity.DEFAULT_TENANT_CLAIM)
                          .handleRequest(event, context)));
            }));
    phase(t, "tick-acquire", "Acquire", PhaseIo.AcquireInput.class, PhaseHandler.Acquire::new);
    phase(t, "tick-step", "Step", PhaseIo.ClaimInput.class, PhaseHandler.Step::new);
    phase(t, "tick-persist", "Persist", PhaseIo.ClaimInput.class, PhaseHandler.Persist::new);
    phase(
        t,
        "tick-schedule-wake",
        "ScheduleWake",
        PhaseIo.ScheduleInput.class,
        PhaseHandler.ScheduleWake::new);
    phase(t, "tick-release", "Release", PhaseIo.ClaimInput.class, PhaseHandler.Release::new);
    phase(t, "tick-fail", "Fail", PhaseIo.FailInput.class, PhaseHandler.Fail::new);
    t.put(
        "tick",
        new Target<>(
            "Step Functions tick (tick.asl.json); event: TickRequest",
            "a TickRequest ({\"tenant\", \"continuation_id\", \"wake\"})",
            event -> {
              strict(event.tree(), TickRequest.class);
              return event.tree();
            },
            LocalInvoke::tick));
    t.put(
        "sweep",
        new Target<>(
            "the wake sweeper: runs due ticks here; event: any JSON",
            "JSON",
            Event::text,
            (w, text, context) -> {
              var sweeper =
                  new WakeSweeper(
                      w.runtime().ledger(),
                      WakeSweeper.inProcess(
                          w.runtime().tickEngine(Observability.NONE), w.runtime().ledger()),
                      w.clock(),
                      Duration.ZERO,
                      200);
              return Result.ok(stream(new WakeSweepHandler(sweeper), text, context));
            }));
    t.put(
        "sqs-wake",
        new Target<>(
            "stream wakes (SqsWakeHandler); event: SQS",
            "an SQS event",
            event -> LambdaEventReader.read(event.text(), SQSEvent.class),
            (w, event, context) ->
                Result.ok(
                    RESPONSES.valueToTree(
                        new SqsWakeHandler(AwsStreamIngest.fromRuntime(w.runtime()), w.clock())
                            .handleRequest(event, context)))));
    t.put(
        "kinesis-wake",
        new Target<>(
            "stream wakes (KinesisWakeHandler); event: Kinesis",
            "a Kinesis event",
            event -> LambdaEventReader.read(event.text(), KinesisEvent.class),
            (w, event, context) ->
                Result.ok(
                    RESPONSES.valueToTree(
                        new KinesisWakeHandler(AwsStreamIngest.fromRuntime(w.runtime()), w.clock())
                            .handleRequest(event, context)))));
    t.put(
        "eventbridge-wake",
        new Target<>(
            "stream wakes (EventBridgeWakeHandler); event: EventBridge",
            "JSON",
            Event::text,
            (w, text, context) ->
                Result.ok(
                    stream(
                        new EventBridgeWakeHandler(
                            AwsStreamIngest.fromRuntime(w.runtime()), w.clock()),
                        text,
                        context))));
    t.put(
        "cdc",
        new Target<>(
            "CDC (CdcHandler), fact rows to stderr; event: DDB Streams",
            "a DynamoDB Streams event",
            event -> LambdaEventReader.read(event.text(), DynamodbEvent.class),
            (w, event, context) -> {
              try (var sink = new LocalFactSink(w.settings().factsOut(), w.err())) {
                return Result.ok(
                    RESPONSES.valueToTree(
                        CdcHandler.fromRuntime(w.runtime(), sink).handleRequest(event, context)));
              }
            }));
    return t;
  }

  private static <I> void phase(
      Map<String, Target<?>> t,
      String name,
      String handlerName,
      Class<I> input,
      Function<Supplier<TickPhases>, PhaseHandler<?, ?>> handler) {
    t.put(
        name,
        new Target<>(
            "tick phase " + handlerName + "; event: PhaseIo." + input.getSimpleName(),
            "a PhaseIo." + input.getSimpleName(),
            event -> {
              strict(event.tree(), input);
              return event.text();
            },
            (w, text, context) -> {
              TickPhases phases = w.phases();
              return Result.ok(stream(handler.apply(() -> phases), text, context));
            }));
  }

  /** {@code tree} as {@code type}, read as strictly as the handlers read their input. */
  private static <T> T strict(JsonNode tree, Class<T> type) {
    try {
      return Json.mapper().treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(dev.maestro.core.json.Json.describe(e), e);
    }
  }

  /** A stream handler invoked as the runtime invokes it: the event's bytes in, bytes out. */
  private static JsonNode stream(RequestStreamHandler handler, String event, Context context)
      throws IOException {
    InputStream in = new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8));
    var bytes = new ByteArrayOutputStream();
    handler.handleRequest(in, bytes, context);
    String text = bytes.toString(StandardCharsets.UTF_8);
    if (text.isBlank()) return JsonNodeFactory.instance.nullNode();
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException notJson) {
      return TextNode.valueOf(text);
    }
  }

  // ---- the tick state machine ----

  private static Result tick(Wiring w, JsonNode request, Context context) throws IOException {
    TickPhases phases = w.phases();
    Supplier<TickPhases> shared = () -> phases;
    Map<String, Function<JsonNode, JsonNode>> functions = new LinkedHashMap<>();
    functions.put("tick-acquire", logged(w, "tick-acquire", new PhaseHandler.Acquire(shared)));
    functions.put("tick-step", logged(w, "tick-step", new PhaseHandler.Step(shared)));
    functions.put("tick-persist", logged(w, "tick-persist", new PhaseHandler.Persist(shared)));
    functions.put(
        "tick-schedule-wake",
        logged(w, "tick-schedule-wake", new PhaseHandler.ScheduleWake(shared)));
    functions.put("tick-release", logged(w, "tick-release", new PhaseHandler.Release(shared)));
    functions.put("tick-fail", logged(w, "tick-fail", new PhaseHandler.Fail(shared)));
    JsonNode definition;
    try (InputStream in = LocalInvoke.class.getResourceAsStream("/statemachine/tick.asl.json")) {
      if (in == null) throw new IllegalStateException("statemachine/tick.asl.json is missing");
      definition =
          LocalStateMachine.load(
              in,
              Map.of(
                  "acquire_function_arn", "tick-acquire",
                  "step_function_arn", "tick-step",
                  "persist_function_arn", "tick-persist",
                  "schedule_wake_function_arn", "tick-schedule-wake",
                  "release_function_arn", "tick-release",
                  "fail_function_arn", "tick-fail"));
    }
    var machine = new LocalStateMachine(definition, functions, w.clock(), until -> wait(w, until));
    LocalStateMachine.Execution execution = machine.start(request);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("status", execution.status());
    var path = result.putArray("path");
    execution.path().forEach(path::add);
    result.set("output", execution.output());
    if (execution.error() != null) result.put("error", execution.error());
    if (execution.cause() != null) result.put("cause", execution.cause());
    return new Result(result, execution.succeeded() ? OK : FAILED);
  }

  private static Function<JsonNode, JsonNode> logged(
      Wiring w, String name, PhaseHandler<?, ?> handler) {
    return payload -> {
      w.err().println("  " + name);
      return handler.invoke(payload);
    };
  }

  /** A Wait state or retry interval: really waits, or jumps the clock with {@code --no-wait}. */
  private static void wait(Wiring w, Instant until) {
    Duration left = Duration.between(w.clock().instant(), until);
    if (!left.isPositive()) return;
    long seconds = (left.toMillis() + 999) / 1000;
    w.err()
        .println(
            "  waiting until "
                + until
                + " ("
                + seconds
                + "s)"
                + (w.settings().noWait() ? ": skipped, the clock jumps (--no-wait)" : ""));
    if (w.settings().noWait()) {
      w.clock().jumpTo(until);
      return;
    }
    try {
      while ((left = Duration.between(w.clock().instant(), until)).isPositive()) {
        Thread.sleep(Math.max(1, left.toMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting until " + until, e);
    }
  }

  // ---- cdc's fact rows ----

  /** Fact rows to a file (newline-delimited JSON, replaced per invocation) or to stderr. */
  private static final class LocalFactSink implements FactSink, AutoCloseable {
    private final OutputStream file;
    private final PrintStream err;

    LocalFactSink(Path factsOut, PrintStream err) throws IOException {
      this.err = err;
      this.file =
          factsOut == null
              ? null
              : Files.newOutputStream(
                  factsOut,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE);
    }

    @Override
    public void put(List<byte[]> records) {
      try {
        for (byte[] row : records) {
          if (file != null) file.write(row);
          else err.print("fact: " + new String(row, StandardCharsets.UTF_8));
        }
        if (file != null) file.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      if (file != null) file.close();
    }
  }
}
