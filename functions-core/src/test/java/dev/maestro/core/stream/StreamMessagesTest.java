package dev.maestro.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maestro.core.continuation.ContinuationId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stream message format: fields, defaults, and a per-field error for every defect. */
class StreamMessagesTest {

  @Test
  void givenAFullMessage_whenParsed_thenEveryFieldIsRead() {
    var m =
        StreamMessages.parse(
            "{\"tenant\":\"acme\",\"topic\":\"papers\",\"message_id\":\"m-1\","
                + "\"continuation_id\":\"0190a1b2-0000-7000-8000-00000000000a\",\"body\":{\"a\":1}}",
            "fallback");

    assertThat(m.tenant().value()).isEqualTo("acme");
    assertThat(m.topic()).isEqualTo("papers");
    assertThat(m.messageId()).isEqualTo("m-1");
    assertThat(m.continuationId())
        .contains(ContinuationId.of("0190a1b2-0000-7000-8000-00000000000a"));
    assertThat(m.body().path("a").asInt()).isEqualTo(1);
  }

  @Test
  void givenNoMessageId_whenParsed_thenTheTransportIdIsUsed() {
    var m = StreamMessages.parse("{\"tenant\":\"acme\",\"topic\":\"t\",\"body\":{}}", "sqs-id");

    assertThat(m.messageId()).isEqualTo("sqs-id");
    assertThat(m.continuationId()).isEmpty();
  }

  @Test
  void givenTheSameTopicAndMessageId_whenWakeIdsAreComputed_thenTheyAreEqualAndNamespaced() {
    assertThat(StreamMessage.wakeId("t", "m")).isEqualTo(StreamMessage.wakeId("t", "m"));
    assertThat(StreamMessage.wakeId("t", "m")).startsWith("stream-");
    assertThat(StreamMessage.wakeId("t", "m")).isNotEqualTo(StreamMessage.wakeId("t2", "m"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|''",
        "[1]|''",
        "{\"topic\":\"t\",\"body\":{}}|/tenant",
        "{\"tenant\":\"Acme!\",\"topic\":\"t\",\"body\":{}}|/tenant",
        "{\"tenant\":\"acme\",\"body\":{}}|/topic",
        "{\"tenant\":\"acme\",\"topic\":7,\"body\":{}}|/topic",
        "{\"tenant\":\"acme\",\"topic\":\"#publish:done\",\"body\":{}}|/topic",
        "{\"tenant\":\"acme\",\"topic\":\"t\"}|/body",
        "{\"tenant\":\"acme\",\"topic\":\"t\",\"body\":[1]}|/body",
        "{\"tenant\":\"acme\",\"topic\":\"t\",\"body\":{},\"continuation_id\":\"x\"}|/continuation_id",
        "{\"tenant\":\"acme\",\"topic\":\"t\",\"body\":{},\"extra\":1}|/extra",
      })
  void givenADefect_whenParsed_thenTheFieldIsNamed(String text, String field) {
    assertThatThrownBy(() -> StreamMessages.parse(text, "id"))
        .isInstanceOfSatisfying(
            InvalidStreamMessageException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
