package dev.maestro.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The offline provider: extractive, cited, deterministic, and labelled local. */
class LocalProviderTest {

  private final LocalProvider provider = new LocalProvider();

  private static ModelDispatch.Request ask(String text) {
    return new ModelDispatch.Request(
        "call-1", "local", List.of(new ModelDispatch.Message("user", text)), 256);
  }

  @Test
  void givenSources_whenAnswered_thenTheMostRelevantSentencesAreCitedInSourceOrder() {
    String input =
        """
        Why do tides rise twice a day?
        [1] The moon's gravity pulls the oceans. Tides rise twice a day on most coasts.
        [2] Bananas are rich in potassium.
        [3] Tides rise as the earth rotates under two bulges.
        """;

    var response = provider.complete(LocalProvider.MODEL_ID, ask(input));

    assertThat(response.text())
        .isEqualTo(
            "Tides rise twice a day on most coasts. [1]"
                + " Tides rise as the earth rotates under two bulges. [3]");
    assertThat(response.local()).isTrue();
    assertThat(response.provider()).isEqualTo("local");
    assertThat(response.modelId()).isEqualTo(LocalProvider.MODEL_ID);
    assertThat(response.tokensIn()).isPositive();
    assertThat(response.tokensOut()).isPositive();
  }

  @Test
  void givenNoSources_whenAnswered_thenTheFirstSentencesAreReturned() {
    var response =
        provider.complete(
            LocalProvider.MODEL_ID, ask("One thing. Two things. Three things. Four things."));

    assertThat(response.text()).isEqualTo("One thing. Two things. Three things.");
  }

  @Test
  void givenSourcesSharingNoWordWithTheQuestion_whenAnswered_thenEachSourcesFirstSentenceIsCited() {
    var response =
        provider.complete(
            LocalProvider.MODEL_ID,
            ask("Summarise.\n[1] Alpha beta. Gamma delta.\n[2] Epsilon zeta."));

    assertThat(response.text()).isEqualTo("Alpha beta. [1] Epsilon zeta. [2]");
  }

  @Test
  void givenTheSameRequest_whenAnsweredTwice_thenTheResponsesAreEqual() {
    String input = "Summarise.\n[1] Alpha beta. Gamma delta.\n[2] Epsilon zeta.";

    assertThat(provider.complete(LocalProvider.MODEL_ID, ask(input)))
        .isEqualTo(provider.complete(LocalProvider.MODEL_ID, ask(input)));
  }

  @Test
  void givenSeveralTurns_whenAnswered_thenOnlyTheLastUserMessageIsUsed() {
    var request =
        new ModelDispatch.Request(
            "call-1",
            "local",
            List.of(
                new ModelDispatch.Message("user", "Old question."),
                new ModelDispatch.Message("assistant", "Old answer."),
                new ModelDispatch.Message("user", "New question.")),
            64);

    assertThat(provider.complete(LocalProvider.MODEL_ID, request).text())
        .isEqualTo("New question.");
  }
}
