package dev.maestro.eval.bench;

import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.fairness.BudgetStanding;
import dev.maestro.core.fairness.TenantQueueFullException;
import dev.maestro.core.fairness.TickAdmission;
import dev.maestro.core.fairness.TickRequest;
import dev.maestro.local.bench.Benchmark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Tick admission fairness across tenants (BRIEF §9), as a discrete-event simulation in simulated
 * time: {@code tenants} tenants with weights 1 and 2, one of them offering ten times the others'
 * rate, arrive at {@code load} times the capacity of {@code servers} tick runners for {@code
 * seconds} simulated seconds. The same arrivals are admitted first-in-first-out and by {@link
 * TickAdmission}; each policy reports Jain's fairness index and the queueing delay.
 *
 * <p>Jain's index is computed as in Jain, Chiu and Hawe (1984): over {@code x_i = throughput_i /
 * fair_i}, where {@code fair_i} is the tenant's weighted max-min fair share of the capacity given
 * every tenant's offered work; 1.0 means every tenant got exactly its fair share. The index over
 * the weight-normalised throughput of the tenants left backlogged at the end is reported beside it,
 * with how many tenants that is.
 */
public final class FairnessBenchmark implements Benchmark {

  private static final Instant EPOCH = Instant.parse("2025-06-01T00:00:00Z");
  private static final ContinuationId CONTINUATION =
      ContinuationId.of("01890a5d-ac96-774b-bcce-b302099a8057");

  private record Arrival(int tenant, long atMicros, long serviceMicros, long estimateMicros) {}

  @Override
  public String name() {
    return "fairness";
  }

  @Override
  public String description() {
    return "tick admission FIFO vs weighted fair queuing at 2x load, simulated: Jain's index"
        + " and p50/p95 queueing delay (target Jain >= 0.9)";
  }

  @Override
  public Map<String, Object> run(Path workDir, Map<String, String> params, PrintStream progress) {
    int tenants = Stats.intParam(params, "tenants", 8);
    int servers = Stats.intParam(params, "servers", 4);
    int seconds = Stats.intParam(params, "seconds", 600);
    int meanServiceMs = Stats.intParam(params, "service-ms", 250);
    int loadPercent = Stats.intParam(params, "load-percent", 200);
    int noisyFactor = Stats.intParam(params, "noisy-factor", 10);
    int capacityPerTenant = Stats.intParam(params, "queue-capacity", 100_000);
    int seed = Stats.intParam(params, "seed", 7);
    if (tenants < 2 || servers < 1 || seconds < 1 || meanServiceMs < 1 || loadPercent < 1) {
      throw new IllegalArgumentException("tenants >= 2, servers, seconds, service-ms, load > 0");
    }

    double[] weights = new double[tenants];
    double[] share = new double[tenants];
    for (int t = 0; t < tenants; t++) {
      weights[t] = 1 + (t % 2);
      share[t] = t == 0 ? noisyFactor : 1;
    }
    double capacityPerSecond = servers * 1000.0 / meanServiceMs;
    double arrivalsPerSecond = capacityPerSecond * loadPercent / 100.0;
    List<Arrival> arrivals =
        arrivals(new SplittableRandom(seed), share, arrivalsPerSecond, meanServiceMs, seconds);
    progress.printf(
        "fairness: %d tenants, %,d arrivals over %d simulated s at %d%% of capacity%n",
        tenants, arrivals.size(), seconds, loadPercent);

    long horizon = seconds * 1_000_000L;
    double[] offered = new double[tenants];
    for (Arrival a : arrivals) offered[a.tenant()] += a.serviceMicros();

    var out = new LinkedHashMap<String, Object>();
    out.put("simulated_seconds", seconds);
    out.put("tenants", tenants);
    out.put("weights", Arrays.stream(weights).boxed().toList());
    out.put("noisy_tenant", "t0 (" + noisyFactor + "x the others' arrival rate)");
    out.put("servers", servers);
    out.put("mean_service_ms", meanServiceMs);
    out.put("load_vs_capacity", loadPercent / 100.0);
    out.put("arrivals", arrivals.size());
    Map<String, Object> fifo =
        simulate(false, arrivals, tenants, servers, horizon, weights, offered, capacityPerTenant);
    Map<String, Object> wfq =
        simulate(true, arrivals, tenants, servers, horizon, weights, offered, capacityPerTenant);
    out.put("fifo", fifo);
    out.put("wfq", wfq);
    out.put("target_jain", 0.9);
    out.put("meets_target", (Double) wfq.get("jain_index") >= 0.9);
    out.put("seed", seed);
    out.put("machine", Stats.machine());
    return out;
  }

  /** Poisson arrivals per tenant, merged; service times log-normal, estimates off by up to ±50%. */
  private static List<Arrival> arrivals(
      SplittableRandom random, double[] share, double perSecond, int meanServiceMs, int seconds) {
    double total = Arrays.stream(share).sum();
    var all = new ArrayList<Arrival>();
    double sigma = 0.5;
    for (int t = 0; t < share.length; t++) {
      double ratePerMicro = perSecond * share[t] / total / 1e6;
      double at = 0;
      while (true) {
        at += -Math.log(1 - random.nextDouble()) / ratePerMicro;
        if (at >= seconds * 1e6) break;
        double service =
            meanServiceMs * 1000.0 * Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2);
        long serviceMicros = Math.max(1, Math.round(service));
        long estimate = Math.max(1, Math.round(serviceMicros * (0.5 + random.nextDouble())));
        all.add(new Arrival(t, (long) at, serviceMicros, estimate));
      }
    }
    all.sort(Comparator.comparingLong(Arrival::atMicros).thenComparingInt(Arrival::tenant));
    return all;
  }

  private static Map<String, Object> simulate(
      boolean fair,
      List<Arrival> arrivals,
      int tenants,
      int servers,
      long horizon,
      double[] weights,
      double[] offered,
      int capacityPerTenant) {
    TenantId[] ids = new TenantId[tenants];
    for (int t = 0; t < tenants; t++) ids[t] = TenantId.of("t" + t);
    var wfq = new TickAdmission(capacityPerTenant, 0.5, id -> BudgetStanding.WITHIN);
    for (int t = 0; t < tenants; t++) wfq.weight(ids[t], weights[t]);
    var fifo = new ArrayDeque<Arrival>();
    // Requests carry their arrival through the queue; the TickRequest holds the time and cost.
    var inWfq = new HashMap<TenantId, ArrayDeque<Arrival>>();
    for (TenantId id : ids) inWfq.put(id, new ArrayDeque<>());

    Histogram delay = Stats.histogram();
    Histogram noisyDelay = Stats.histogram();
    Histogram othersDelay = Stats.histogram();
    double[] served = new double[tenants];
    long rejected = 0;
    var busyUntil = new PriorityQueue<Long>();
    int idle = servers;
    int next = 0;
    long now = 0;
    while (true) {
      long nextArrival = next < arrivals.size() ? arrivals.get(next).atMicros() : Long.MAX_VALUE;
      long nextDone = busyUntil.isEmpty() ? Long.MAX_VALUE : busyUntil.peek();
      long at = Math.min(nextArrival, nextDone);
      if (at >= horizon) break;
      now = at;
      if (nextArrival <= nextDone) {
        Arrival a = arrivals.get(next++);
        if (fair) {
          try {
            wfq.offer(
                new TickRequest(
                    ids[a.tenant()], CONTINUATION, a.estimateMicros(), instant(a.atMicros())));
            inWfq.get(ids[a.tenant()]).addLast(a);
          } catch (TenantQueueFullException e) {
            rejected++;
          }
        } else {
          fifo.addLast(a);
        }
      } else {
        busyUntil.poll();
        idle++;
      }
      while (idle > 0) {
        Arrival a;
        if (fair) {
          var admitted = wfq.next().admitted();
          if (admitted.isEmpty()) break;
          a = inWfq.get(admitted.get().tenant()).removeFirst();
        } else {
          a = fifo.pollFirst();
          if (a == null) break;
        }
        long waitedNanos = (now - a.atMicros()) * 1000L;
        delay.recordValue(waitedNanos);
        (a.tenant() == 0 ? noisyDelay : othersDelay).recordValue(waitedNanos);
        served[a.tenant()] += Math.min(a.serviceMicros(), horizon - now);
        busyUntil.add(now + a.serviceMicros());
        idle--;
      }
    }

    int stillQueued = fair ? wfq.pending() : fifo.size();
    double capacity = Arrays.stream(served).sum();
    double[] fairShare = maxMinFairShares(offered, weights, capacity);
    double[] normalised = new double[tenants];
    var backlogged = new ArrayList<Double>();
    var perTenant = new LinkedHashMap<String, Object>();
    for (int t = 0; t < tenants; t++) {
      normalised[t] = served[t] / fairShare[t];
      boolean waiting = fair ? wfq.pending(ids[t]) > 0 : hasPending(fifo, t);
      if (waiting) backlogged.add(served[t] / weights[t]);
      var row = new LinkedHashMap<String, Object>();
      row.put("weight", weights[t]);
      row.put("offered_work_s", Stats.round(offered[t] / 1e6));
      row.put("fair_share_s", Stats.round(fairShare[t] / 1e6));
      row.put("served_work_s", Stats.round(served[t] / 1e6));
      row.put("backlogged_at_end", waiting);
      perTenant.put(ids[t].value(), row);
    }
    var out = new LinkedHashMap<String, Object>();
    out.put("jain_index", Stats.round(jain(Arrays.stream(normalised).boxed().toList())));
    out.put("jain_backlogged_weight_normalised", Stats.round(jain(backlogged)));
    out.put("backlogged_tenants", backlogged.size());
    out.put("queueing_delay_ms", delays(delay));
    out.put("queueing_delay_ms_noisy_tenant", delays(noisyDelay));
    out.put("queueing_delay_ms_other_tenants", delays(othersDelay));
    out.put("still_queued_at_end", stillQueued);
    out.put("rejected_queue_full", rejected);
    out.put("utilisation", Stats.round(capacity / (servers * (double) horizon)));
    out.put("per_tenant", perTenant);
    return out;
  }

  /** Weighted max-min (water-filling): no tenant gets more than it offered; the rest is shared. */
  static double[] maxMinFairShares(double[] demand, double[] weights, double capacity) {
    int n = demand.length;
    double[] share = new double[n];
    boolean[] settled = new boolean[n];
    double remaining = capacity;
    boolean changed = true;
    while (changed) {
      changed = false;
      double weightLeft = 0;
      for (int t = 0; t < n; t++) if (!settled[t]) weightLeft += weights[t];
      if (weightLeft == 0) break;
      double perWeight = remaining / weightLeft;
      for (int t = 0; t < n; t++) {
        if (!settled[t] && demand[t] <= perWeight * weights[t]) {
          share[t] = demand[t];
          remaining -= demand[t];
          settled[t] = true;
          changed = true;
        }
      }
      if (!changed) {
        for (int t = 0; t < n; t++) if (!settled[t]) share[t] = perWeight * weights[t];
      }
    }
    return share;
  }

  /** Jain's index: (Σx)² / (n · Σx²); 1.0 for an empty or single-element set. */
  static double jain(List<Double> xs) {
    if (xs.size() <= 1) return 1.0;
    double sum = 0;
    double squares = 0;
    for (double x : xs) {
      sum += x;
      squares += x * x;
    }
    return squares == 0 ? 1.0 : sum * sum / (xs.size() * squares);
  }

  private static boolean hasPending(ArrayDeque<Arrival> fifo, int tenant) {
    for (Arrival a : fifo) if (a.tenant() == tenant) return true;
    return false;
  }

  private static Instant instant(long micros) {
    return EPOCH.plusNanos(micros * 1000L);
  }

  private static Map<String, Object> delays(Histogram h) {
    var out = new LinkedHashMap<String, Object>();
    out.put("count", h.getTotalCount());
    out.put("p50_ms", Stats.round(h.getValueAtPercentile(50) / 1e6));
    out.put("p95_ms", Stats.round(h.getValueAtPercentile(95) / 1e6));
    out.put("p99_ms", Stats.round(h.getValueAtPercentile(99) / 1e6));
    out.put("max_ms", Stats.round(h.getMaxValue() / 1e6));
    return out;
  }
}
