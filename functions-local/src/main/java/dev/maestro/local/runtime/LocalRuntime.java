package dev.maestro.local.runtime;

import dev.maestro.core.budget.BudgetAlerts;
import dev.maestro.core.budget.BudgetLedger;
import dev.maestro.core.budget.BudgetWatch;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.lifecycle.ContinuationService;
import dev.maestro.core.lifecycle.MergeFunctions;
import dev.maestro.core.security.pii.PiiRedaction;
import dev.maestro.core.stream.DeadLetters;
import dev.maestro.core.stream.PublishFanout;
import dev.maestro.core.stream.SchedulerWakeSink;
import dev.maestro.core.stream.StreamIngest;
import dev.maestro.core.stream.SubscriptionIndexer;
import dev.maestro.core.stream.Subscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.core.substrate.Observability;
import dev.maestro.core.substrate.Substrate;
import dev.maestro.core.substrate.TimerQueue;
import dev.maestro.core.tick.Recipes;
import dev.maestro.core.tick.TickEngine;
import dev.maestro.local.store.SqliteSubstrate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * The whole suite in one JVM (BRIEF §7 "Local"): the SQLite substrate, the tick engine, an
 * in-process timer dispatcher, the continuation service and the in-process stream bus: the
 * subscriptions index and sibling publish fan-out run synchronously after every append ({@link
 * WakeIndexing}), and {@link #streams()} delivers stream messages as the clouds' stream functions
 * do. Killing the process loses nothing: {@link #start} reconciles every unfinished continuation,
 * so due wakes fire and ticks interrupted by the crash resume once their lease lapses.
 */
public final class LocalRuntime implements AutoCloseable {

  /** The database file inside the data directory. */
  public static final String DATABASE = "maestro.db";

  /** How long an unsettled budget reservation is held: longer than any model call. */
  public static final Duration BUDGET_RESERVATION_TTL = Duration.ofMinutes(15);

  private static final System.Logger LOG = System.getLogger(LocalRuntime.class.getName());

  private final LocalConfig config;
  private final SqliteSubstrate store;
  private final Substrate substrate;
  private final TickEngine engine;
  private final ContinuationService service;
  private final BudgetLedger budgets;
  private final WakeDispatcher dispatcher;
  private final Subscriptions subscriptions;
  private final StreamIngest streams;
  private boolean closed;

  private LocalRuntime(
      LocalConfig config, Observability observability, Recipes recipes, PiiRedaction redaction) {
    this.config = config;
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
    }
    this.store = SqliteSubstrate.open(config.dataDir().resolve(DATABASE));
    var random = new SecureRandom();
    var dispatcherRef = new WakeDispatcher[1];
    TimerQueue timers =
        new NotifyingTimerQueue(
            store.timers(),
            () -> {
              if (dispatcherRef[0] != null) dispatcherRef[0].poke();
            });
    Substrate base = store.substrate();
    this.substrate = new Substrate(base.continuations(), base.events(), timers, base.idempotency());
    this.subscriptions = store.subscriptions();
    var wakes = new SchedulerWakeSink(timers, config.clock());
    this.streams = new StreamIngest(subscriptions, wakes, store.deadLetters());
    Observability indexed =
        new WakeIndexing(
            new SubscriptionIndexer(subscriptions),
            new PublishFanout(subscriptions, wakes),
            observability);
    this.engine =
        new TickEngine(
            substrate,
            recipes,
            config.clock(),
            holderName(random),
            config.leaseTtl(),
            indexed,
            random,
            redaction);
    this.service =
        new ContinuationService(
            substrate, config.clock(), random, indexed, MergeFunctions.builtIn(), redaction);
    // Alerts go to the log; each is also a row of budget_alerts in the database.
    this.budgets =
        new BudgetWatch(
            store.budgets(config.clock(), BUDGET_RESERVATION_TTL),
            BudgetAlerts.LOG,
            config.clock());
    this.dispatcher =
        new WakeDispatcher(
            timers,
            engine,
            Executors.newFixedThreadPool(
                config.workers(),
                Thread.ofPlatform().name("maestro-tick-", 0).daemon(true).factory()),
            config.clock());
    dispatcherRef[0] = dispatcher;
  }

  /** Opens the data directory, repairs what a crash left undone, and starts firing wakes. */
  public static LocalRuntime start(LocalConfig config) {
    return start(config, Observability.NONE, Recipes.builtIn());
  }

  /** As {@link #start(LocalConfig)}, with an observability sink and a recipe set. */
  public static LocalRuntime start(
      LocalConfig config, Observability observability, Recipes recipes) {
    return start(config, observability, recipes, PiiRedaction.builtIn());
  }

  /**
   * As above, redacting personal data from every write with {@code redaction}'s redactor for the
   * continuation's tenant (the built-in detectors unless a tenant policy adds patterns).
   */
  public static LocalRuntime start(
      LocalConfig config, Observability observability, Recipes recipes, PiiRedaction redaction) {
    var runtime = new LocalRuntime(config, observability, recipes, redaction);
    try {
      int repaired = runtime.reconcileAll();
      if (repaired > 0)
        LOG.log(System.Logger.Level.INFO, "reconciled " + repaired + " unfinished continuation(s)");
      runtime.dispatcher.start();
      return runtime;
    } catch (RuntimeException e) {
      runtime.store.close();
      throw e;
    }
  }

  /**
   * Reconciles every unfinished continuation (see {@link TickEngine#reconcile}), first bringing its
   * subscriptions in line with its current wake condition (an append whose indexing a crash cut
   * short is repaired here); returns how many.
   */
  public int reconcileAll() {
    int count = 0;
    ContinuationRef after = null;
    while (true) {
      List<ContinuationRef> page = substrate.continuations().scanUnfinished(after, 500);
      for (ContinuationRef ref : page) {
        reindex(ref);
        engine.reconcile(ref);
        count++;
      }
      if (page.size() < 500) return count;
      after = page.get(page.size() - 1);
    }
  }

  private void reindex(ContinuationRef ref) {
    var snapshot = substrate.continuations().find(ref.tenant(), ref.id());
    if (snapshot.isEmpty()) return;
    Continuation state = EventLog.catchUp(substrate.events(), snapshot.get());
    var keys =
        state.wakeCondition() == null
            ? Set.<String>of()
            : SubscriptionIndexer.keys(state.wakeCondition());
    if (keys.isEmpty()) subscriptions.unsubscribe(ref, state.lastSequence());
    else subscriptions.subscribe(ref, keys, state.lastSequence());
  }

  /**
   * The in-process stream bus: delivers a {@link dev.maestro.core.stream.StreamMessage} to the
   * continuation it names or to every subscriber of its topic, as a stream wake registered due now
   * (the same path as the clouds' stream functions); poison records go to {@link #deadLetters()}.
   */
  public StreamIngest streams() {
    return streams;
  }

  /** Where the stream bus keeps records it could not deliver ({@code dead_letters} table). */
  public DeadLetters deadLetters() {
    return store.deadLetters();
  }

  /** The subscriptions index (stream topics and publish tags) in the runtime's database. */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /**
   * The budget ledger in the runtime's database, raising daily-cap alerts to the log (and recording
   * each in the {@code budget_alerts} table); the API's tenant daily cap reads it.
   */
  public BudgetLedger budgets() {
    return budgets;
  }

  /** The continuation service. */
  public ContinuationService service() {
    return service;
  }

  public TickEngine engine() {
    return engine;
  }

  public Substrate substrate() {
    return substrate;
  }

  public LocalConfig config() {
    return config;
  }

  /** The data directory. */
  public Path dataDir() {
    return config.dataDir();
  }

  /**
   * Stops firing wakes, lets running ticks finish (up to 10 s), and closes the store. Idempotent; a
   * second caller waits for the first to finish.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    dispatcher.stop(Duration.ofSeconds(10));
    store.close();
  }

  private static String holderName(SecureRandom random) {
    byte[] b = new byte[4];
    random.nextBytes(b);
    return "local-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(b);
  }
}
