package dev.maestro.eval.brief;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.brief.BriefMarkdown;
import dev.maestro.core.brief.EvidenceBrief;
import dev.maestro.core.continuation.Continuation;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.Status;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.event.EventEnvelope;
import dev.maestro.core.event.EventPayload;
import dev.maestro.core.json.Json;
import dev.maestro.core.security.Principal;
import dev.maestro.core.substrate.Observability;
import dev.maestro.local.runtime.LocalConfig;
import dev.maestro.local.runtime.LocalRuntime;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code maestro brief "<question>"}: the evidence-brief recipe on the embedded runtime. Builds the
 * document index from the shipped corpus when the data directory has none, runs the continuation in
 * this process printing each step as it is recorded, shows the draft, asks for approval (or takes
 * {@code --approve}), and prints the published brief with its cost.
 */
@Command(
    name = "brief",
    mixinStandardHelpOptions = true,
    description = {
      "Turns a question into a cited evidence brief on the embedded runtime: context field ->",
      "plan -> an answer per sub-question -> synthesis, each model call routed by the policy",
      "kernel and metered; waits for approval before publishing. Offline unless provider keys",
      "(ANTHROPIC_API_KEY, OPENAI_API_KEY) are set: every tier falls back to the local provider."
    })
public final class BriefCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "QUESTION", description = "The research question.")
  String question;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: MAESTRO_DATA_DIR or ~/.maestro).")
  Path dataDir;

  @Option(
      names = "--tenant",
      defaultValue = "demo",
      description = "Tenant to run as (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--sub-questions",
      defaultValue = "3",
      description = "How many sub-questions to plan, 1-5 (default: ${DEFAULT-VALUE}).")
  int subQuestions;

  @Option(
      names = "--budget",
      defaultValue = "0.50",
      paramLabel = "USD",
      description = "The brief's hard budget in US dollars (default: ${DEFAULT-VALUE}).")
  BigDecimal budget;

  @Option(names = "--approve", description = "Approve the draft without asking.")
  boolean approve;

  @Option(
      names = "--no-approval",
      description = "Publish without waiting for approval (the goal frame asks for none).")
  boolean noApproval;

  @Option(
      names = "--no-fork",
      description = "Answer every sub-question in the brief's own continuation, without forks.")
  boolean noFork;

  @Option(names = "--json", description = "Print the brief as JSON instead of Markdown.")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown here.")
  Path out;

  @Option(
      names = "--timeout",
      defaultValue = "PT5M",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** For picocli and the service loader. */
  public BriefCommand() {}

  @Override
  public Integer call() throws Exception {
    if (question == null || question.isBlank()) {
      System.err.println("brief: the question must not be blank");
      return 2;
    }
    if (subQuestions < 1 || subQuestions > 5) {
      System.err.println("brief: --sub-questions must be between 1 and 5");
      return 2;
    }
    if (budget.signum() <= 0) {
      System.err.println("brief: --budget must be positive");
      return 2;
    }
    Path dir = dataDir != null ? dataDir : LocalConfig.defaultDataDir();
    PrintStream err = System.err;
    // The brief's own events and its forked children's, as they are appended.
    Set<ContinuationId> watched = ConcurrentHashMap.newKeySet();
    var root = new AtomicReference<ContinuationId>();
    Observability progress =
        Observability.onAppended(
            e -> {
              if (e.payload() instanceof EventPayload.Forked f
                  && watched.contains(e.continuationId())) watched.add(f.child());
              if (watched.contains(e.continuationId()))
                err.println(progressLine(e, e.continuationId().equals(root.get())));
            });
    Principal researcher = new Principal(TenantId.of(tenant), "cli", Set.of());
    try (BriefStack stack = BriefStack.open(dir, progress, System.getenv(), err)) {
      LocalRuntime runtime = stack.runtime();
      ObjectNode params =
          JsonNodeFactory.instance
              .objectNode()
              .put("subQuestions", subQuestions)
              .put("approval", !noApproval)
              .put("fork", !noFork);
      ContinuationId id;
      synchronized (watched) {
        id = stack.start(researcher, question, budget, params);
        root.set(id);
        watched.add(id);
      }
      err.println("brief: continuation " + id + " in " + dir);
      Instant deadline = Instant.now().plus(timeout);
      Continuation c = waitFor(runtime, researcher, id, deadline);
      while (c != null && awaitingApproval(c)) {
        EvidenceBrief draft = Json.convert(c.workingState().get("draft"), EvidenceBrief.class);
        err.println();
        err.println(BriefMarkdown.render(draft));
        String verdict = approve ? "y" : ask();
        if (verdict == null) {
          err.printf(
              "brief: waiting for approval; approve with `maestro serve` running:%n"
                  + "  POST /continuations/%s/signals {\"kind\":\"approve\"}%n",
              id);
          return 0;
        }
        if (verdict.equalsIgnoreCase("y") || verdict.equalsIgnoreCase("yes")) {
          runtime
              .service()
              .signal(researcher, id, "approve", null, "cli-approve-" + c.lastSequence());
        } else if (verdict.equalsIgnoreCase("n") || verdict.equalsIgnoreCase("no")) {
          runtime
              .service()
              .kill(researcher, id, "rejected at review", "cli-kill-" + c.lastSequence());
        } else {
          var body = JsonNodeFactory.instance.objectNode().put("instructions", verdict);
          runtime
              .service()
              .signal(researcher, id, "redirect", body, "cli-redirect-" + c.lastSequence());
        }
        long seen = c.lastSequence();
        c = waitFor(runtime, researcher, id, deadline, seen);
      }
      if (c == null) {
        err.println("brief: timed out after " + timeout);
        return 1;
      }
      if (c.status() != Status.COMPLETED) {
        err.println("brief: ended " + c.status());
        return 1;
      }
      String markdown = c.result().path("markdown").asText();
      if (json) System.out.println(Json.write(c.result()));
      else System.out.println(markdown);
      if (out != null) Files.writeString(out, markdown, StandardCharsets.UTF_8);
      EvidenceBrief brief = Json.convert(c.result(), EvidenceBrief.class);
      err.printf(
          "brief: %d claims citing %d sources; %d model calls; spent $%s; at list prices $%s%n",
          brief.claims().size(),
          brief.sources().size(),
          brief.cost().modelCalls(),
          brief.cost().usd().toPlainString(),
          brief.cost().listPriceUsd().toPlainString());
      return 0;
    }
  }

  /** Whether the brief's draft waits for a reviewer (not for its forked answers). */
  private static boolean awaitingApproval(Continuation c) {
    return c.status() == Status.WAITING
        && c.workingState() != null
        && "awaiting_approval".equals(c.workingState().path("phase").asText());
  }

  private static String ask() {
    var console = System.console();
    if (console == null) return null;
    String line =
        console.readLine("Approve? [y]es / [n]o (kill) / or type instructions to revise: ");
    return line == null ? null : line.strip();
  }

  private static Continuation waitFor(
      LocalRuntime runtime, Principal who, ContinuationId id, Instant deadline)
      throws InterruptedException {
    return waitFor(runtime, who, id, deadline, -1);
  }

  /**
   * The continuation once it waits for a signal (past {@code after}) or has ended; null on time.
   */
  private static Continuation waitFor(
      LocalRuntime runtime, Principal who, ContinuationId id, Instant deadline, long after)
      throws InterruptedException {
    while (Instant.now().isBefore(deadline)) {
      Continuation c = runtime.service().get(who, id).continuation();
      if (c.status().isTerminal()) return c;
      if (awaitingApproval(c) && c.lastSequence() > after) return c;
      Thread.sleep(50);
    }
    return null;
  }

  static String progressLine(EventEnvelope e, boolean root) {
    String detail =
        switch (e.payload()) {
          case EventPayload.Spawn s -> "goal: " + s.goalFrame().objective();
          case EventPayload.Woken w -> w.kind().wire() + " " + w.channel();
          case EventPayload.Decided d ->
              d.action()
                  + (d.tier() == null ? "" : " on " + d.tier())
                  + " ("
                  + String.join(", ", d.ruleIds())
                  + ")";
          case EventPayload.ModelCall m ->
              m.provider()
                  + "/"
                  + m.modelId()
                  + " for tier "
                  + m.tier()
                  + ": "
                  + m.tokensIn()
                  + " tokens in, "
                  + m.tokensOut()
                  + " out, $"
                  + m.usd().toPlainString();
          case EventPayload.BudgetCharged b -> "$" + b.usd().toPlainString();
          case EventPayload.Slept s -> s.reason();
          case EventPayload.HumanSignal h -> h.kind() + " by " + h.by();
          case EventPayload.Published p -> "to tag " + p.tag();
          case EventPayload.Forked f ->
              "child " + f.child().value().substring(0, 8) + ": " + f.objective();
          case EventPayload.Completed c -> "done";
          case EventPayload.Failed f -> f.code() + ": " + f.message();
          case EventPayload.Killed k -> k.reason();
          default -> "";
        };
    String who = root ? "" : "  [" + e.continuationId().value().substring(0, 8) + "]";
    return String.format("  %4d %-13s %s%s", e.sequence(), e.type().wire(), detail, who);
  }
}
