package dev.maestro.eval.bench;

import dev.maestro.aws.dynamodb.DynamoSchema;
import dev.maestro.aws.dynamodb.DynamoSubstrate;
import dev.maestro.aws.dynamodb.DynamoTables;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.substrate.EventLog;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * Event appends to DynamoDB Local running in this JVM, at a fixed offered rate (BRIEF §13: p99 < 50
 * ms at 1,000 events/s). Open loop: event {@code i} is due at {@code start + i / rate}, and its
 * latency is measured from that due time, so a stalled append also delays (and is charged to) the
 * ones queued behind it. DynamoDB Local has the real API and conditional-write semantics but not
 * AWS's network or service latency: the figure is our adapter's cost plus the emulator's.
 */
public final class DynamoAppendBenchmark implements Benchmark {

  @Override
  public String name() {
    return "dynamodb-append";
  }

  @Override
  public String description() {
    return "fenced appends to DynamoDB Local in-process at a fixed rate: p50/p99 (target p99 < 50 ms at 1,000/s)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress)
      throws Exception {
    int rate = Stats.intParam(params, "rate", 1_000);
    int seconds = Stats.intParam(params, "seconds", 20);
    int writers = Stats.intParam(params, "writers", 32);
    int warmupSeconds = Stats.intParam(params, "warmup-seconds", 5);
    if (rate < 1 || seconds < 1 || writers < 1) {
      throw new IllegalArgumentException("-P rate, seconds and writers must be positive");
    }
    progress.println("dynamodb-append: starting DynamoDB Local in this JVM...");
    AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
    try (DynamoDbClient client = local.dynamoDbClient()) {
      var tables = new DynamoTables("bench-");
      DynamoSchema.createIfMissing(client, tables);
      var substrate = new DynamoSubstrate(client, tables).substrate();
      TenantId tenant = TenantId.of("bench");
      var random = new SplittableRandom(7);
      List<EventChain> chains = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        chains.add(EventChain.create(substrate.continuations(), tenant, random));
      }
      progress.printf("dynamodb-append: warming up for %d s at %,d/s...%n", warmupSeconds, rate);
      paced(substrate.events(), chains, rate, (long) rate * warmupSeconds, null);
      progress.printf(
          "dynamodb-append: measuring %d s at %,d events/s from %d writers...%n",
          seconds, rate, writers);
      Histogram latency = Stats.histogram();
      long events = (long) rate * seconds;
      long start = System.nanoTime();
      paced(substrate.events(), chains, rate, events, latency);
      double elapsed = (System.nanoTime() - start) / 1e9;
      var out = new LinkedHashMap<String, Object>();
      out.put("offered_events_per_second", rate);
      out.put("achieved_events_per_second", Math.round(events / elapsed));
      out.put("events", events);
      out.put("writers", writers);
      out.put("latency_from_due_time", Stats.millis(latency));
      out.put("target_p99_ms", 50);
      out.put("store", "DynamoDB Local 3.x in-process (real API and conditions; no AWS latency)");
      out.put("machine", Stats.machine());
      return out;
    } finally {
      local.shutdown();
    }
  }

  /** Appends {@code total} events, event i due at start + i/rate, spread over the chains. */
  private static void paced(
      EventLog log, List<EventChain> chains, int rate, long total, Histogram latency)
      throws Exception {
    int writers = chains.size();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      var futures = new ArrayList<Future<?>>();
      for (int w = 0; w < writers; w++) {
        EventChain chain = chains.get(w);
        long first = w;
        futures.add(
            pool.submit(
                () -> {
                  for (long i = first; i < total; i += writers) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    EventEnvelope next = chain.next();
                    log.append(chain.tenant(), chain.id(), 0, List.of(next));
                    if (latency != null) {
                      long took = System.nanoTime() - due;
                      synchronized (latency) {
                        latency.recordValue(Math.max(0, took));
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
  }
}
