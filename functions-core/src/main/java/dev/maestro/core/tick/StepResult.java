package dev.maestro.core.tick;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.wake.WakeCondition;
import java.util.Objects;

/** How a step ends: sleep or wait for a condition, complete with a result, or fail. */
public sealed interface StepResult {

  /**
   * Sleep (timer) or wait (signal, stream, publish) until {@code until}; save {@code workingState}.
   */
  record Sleep(WakeCondition until, String reason, JsonNode workingState) implements StepResult {
    public Sleep {
      Objects.requireNonNull(until, "until");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Finish with {@code result}. */
  record Complete(JsonNode result, JsonNode workingState) implements StepResult {
    public Complete {
      Objects.requireNonNull(result, "result");
    }
  }

  /** Fail the continuation with a fatal error. */
  record Fail(String code, String message) implements StepResult {
    public Fail {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
