package dev.maestro.core.field;

import static dev.maestro.core.field.Fixtures.candidate;
import static dev.maestro.core.field.Fixtures.channel;
import static dev.maestro.core.field.Fixtures.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stage-1 recall's fan-out, cut-offs, failures, merge and cap, on real threads. */
class RecallTest {

  /** Generous for channels that answer at once: they never come near it, even on a busy machine. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * Short, for the test that waits it out; the channel answering beside it still answers at once.
   */
  private static final Duration CUT_OFF = Duration.ofMillis(400);

  private final ExecutorService executor = Executors.newFixedThreadPool(6);

  @AfterEach
  void stopTheThreads() {
    executor.shutdownNow();
  }

  private static RecallChannel sleeping(String name, CountDownLatch interrupted) {
    return new RecallChannel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Channel kind() {
        return Channel.GRAPH;
      }

      @Override
      public List<FieldCandidate> recall(FieldQuery q, int limit) {
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
        }
        return List.of(candidate("late", Channel.GRAPH, 1, Map.of()));
      }
    };
  }

  private static RecallChannel failing(String name, String message) {
    return new RecallChannel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Channel kind() {
        return Channel.STRUCTURED;
      }

      @Override
      public List<FieldCandidate> recall(FieldQuery q, int limit) {
        throw new IllegalStateException(message);
      }
    };
  }

  @Test
  void givenTwoAnsweringChannels_whenRecalled_thenTheAnswersInterleaveByRankInChannelOrder() {
    var a =
        List.of(
            candidate("a1", Channel.SEMANTIC, 1, Map.of()),
            candidate("a2", Channel.SEMANTIC, 1, Map.of()));
    var b = List.of(candidate("b1", Channel.EPISODIC, 1, Map.of()));
    var recall =
        new Recall(
            List.of(channel("lucene", Channel.SEMANTIC, a), channel("log", Channel.EPISODIC, b)),
            executor,
            TIMEOUT);

    RecallResult result = recall.recall(query());

    assertThat(result.candidates())
        .extracting(FieldCandidate::id)
        .containsExactly("a1", "b1", "a2");
    assertThat(result.channels())
        .extracting(ChannelReport::name, ChannelReport::outcome, ChannelReport::candidates)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("lucene", ChannelReport.Outcome.ANSWERED, 2),
            org.assertj.core.groups.Tuple.tuple("log", ChannelReport.Outcome.ANSWERED, 1));
    assertThat(result.overCap()).isEmpty();
    assertThat(result.duplicates()).isZero();
  }

  @Test
  void givenASlowChannel_whenRecalled_thenItIsCutOffAndInterruptedAndTheOthersStillAnswer()
      throws InterruptedException {
    var interrupted = new CountDownLatch(1);
    var fast =
        channel("lucene", Channel.SEMANTIC, List.of(candidate("a", Channel.SEMANTIC, 1, Map.of())));
    var recall = new Recall(List.of(sleeping("lineage", interrupted), fast), executor, CUT_OFF);

    RecallResult result = recall.recall(query());

    assertThat(result.candidates()).extracting(FieldCandidate::id).containsExactly("a");
    ChannelReport slow = result.channels().get(0);
    assertThat(slow.name()).isEqualTo("lineage");
    assertThat(slow.outcome()).isEqualTo(ChannelReport.Outcome.TIMED_OUT);
    assertThat(slow.elapsedMs()).isGreaterThanOrEqualTo(CUT_OFF.toMillis());
    assertThat(slow.candidates()).isZero();
    assertThat(result.channels().get(1).answered()).isTrue();
    assertThat(interrupted.await(2, TimeUnit.SECONDS))
        .as("the slow channel was interrupted")
        .isTrue();
  }

  @Test
  void givenAFailingChannel_whenRecalled_thenItIsReportedWithItsMessageAndTheOthersStillAnswer() {
    var fast =
        channel("lucene", Channel.SEMANTIC, List.of(candidate("a", Channel.SEMANTIC, 1, Map.of())));
    var recall =
        new Recall(List.of(fast, failing("tables", "connection refused")), executor, TIMEOUT);

    RecallResult result = recall.recall(query());

    assertThat(result.candidates()).extracting(FieldCandidate::id).containsExactly("a");
    ChannelReport failed = result.channels().get(1);
    assertThat(failed.outcome()).isEqualTo(ChannelReport.Outcome.FAILED);
    assertThat(failed.message()).isEqualTo("connection refused");
    assertThat(failed.kind()).isEqualTo(Channel.STRUCTURED);
  }

  @Test
  void givenAChannelReturningNull_whenRecalled_thenItIsReportedFailed() {
    var recall = new Recall(List.of(channel("odd", Channel.HUMAN, null)), executor, TIMEOUT);

    RecallResult result = recall.recall(query());

    assertThat(result.channels().get(0).outcome()).isEqualTo(ChannelReport.Outcome.FAILED);
    assertThat(result.candidates()).isEmpty();
  }

  @Test
  void
      givenTheSameIdFromTwoChannels_whenRecalled_thenOneCandidateKeepsTheBestScoresAndEveryProvenance() {
    var fromIndex =
        candidate(
            "doc#1",
            Channel.SEMANTIC,
            40,
            Map.of(FieldCandidate.BM25, 3.0, FieldCandidate.COSINE, 0.4));
    var fromGraph =
        new FieldCandidate(
            "doc#1",
            Channel.GRAPH,
            "text of doc#1",
            40,
            List.of(Provenance.of("lineage", "edge-7")),
            Map.of(FieldCandidate.COSINE, 0.7, FieldCandidate.RERANK, 0.9),
            null);
    var recall =
        new Recall(
            List.of(
                channel("lucene", Channel.SEMANTIC, List.of(fromIndex)),
                channel("lineage", Channel.GRAPH, List.of(fromGraph))),
            executor,
            TIMEOUT);

    RecallResult result = recall.recall(query());

    assertThat(result.candidates()).hasSize(1);
    FieldCandidate merged = result.candidates().get(0);
    assertThat(merged.features())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                FieldCandidate.BM25, 3.0, FieldCandidate.COSINE, 0.7, FieldCandidate.RERANK, 0.9));
    assertThat(merged.provenance())
        .containsExactly(
            Provenance.of("semantic", "doc-doc#1"), Provenance.of("lineage", "edge-7"));
    assertThat(merged.channel()).isEqualTo(Channel.SEMANTIC);
    assertThat(result.duplicates()).isEqualTo(1);
  }

  @Test
  void givenMoreCandidatesThanTheCap_whenRecalled_thenTheRestAreReturnedAsOverCap() {
    var many =
        List.of(
            candidate("c1", Channel.SEMANTIC, 1, Map.of()),
            candidate("c2", Channel.SEMANTIC, 1, Map.of()),
            candidate("c3", Channel.SEMANTIC, 1, Map.of()));
    var recall =
        new Recall(List.of(channel("lucene", Channel.SEMANTIC, many)), executor, TIMEOUT, 2);

    RecallResult result = recall.recall(query());

    assertThat(result.candidates()).extracting(FieldCandidate::id).containsExactly("c1", "c2");
    assertThat(result.overCap()).extracting(FieldCandidate::id).containsExactly("c3");
  }

  @Test
  void givenAChannelAnsweringMoreThanK_whenRecalled_thenOnlyItsFirstKAreTaken() {
    var many =
        List.of(
            candidate("c1", Channel.SEMANTIC, 1, Map.of()),
            candidate("c2", Channel.SEMANTIC, 1, Map.of()),
            candidate("c3", Channel.SEMANTIC, 1, Map.of()));
    var recall = new Recall(List.of(channel("lucene", Channel.SEMANTIC, many)), executor, TIMEOUT);
    FieldQuery q = query();
    var k2 = new FieldQuery(q.tenant(), q.continuationId(), q.goalFrame(), null, 2, q.at(), null);

    RecallResult result = recall.recall(k2);

    assertThat(result.candidates()).extracting(FieldCandidate::id).containsExactly("c1", "c2");
    assertThat(result.channels().get(0).candidates()).isEqualTo(2);
  }

  @Test
  void givenTwoChannelsWithOneName_whenConstructed_thenRejected() {
    var a = channel("x", Channel.SEMANTIC, List.of());
    var b = channel("x", Channel.GRAPH, List.of());

    assertThatThrownBy(() -> new Recall(List.of(a, b), executor, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate channel x");
  }
}
