package dev.maestro.aws.tick;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.maestro.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One tick phase as a Lambda function: the state's payload in, the phase's answer out, both as the
 * JSON of {@link PhaseIo} (read strictly: an unknown or missing field is an error naming it, which
 * the state machine's {@code Catch} records). Stream-based so the project's own JSON mapping, not
 * the runtime's, decides the wire shape.
 */
public abstract class PhaseHandler<I, O> implements RequestStreamHandler {

  private final Class<I> inputType;
  private final Supplier<TickPhases> phases;

  PhaseHandler(Class<I> inputType, Supplier<TickPhases> phases) {
    this.inputType = Objects.requireNonNull(inputType, "inputType");
    this.phases = Objects.requireNonNull(phases, "phases");
  }

  abstract O apply(TickPhases phases, I input);

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    I parsed = parse(Json.mapper().readTree(input));
    Json.mapper().writeValue(output, apply(phases.get(), parsed));
  }

  /** Runs the phase on a JSON document, as the state machine's task state would. */
  public final JsonNode invoke(JsonNode payload) {
    return Json.mapper().valueToTree(apply(phases.get(), parse(payload)));
  }

  private I parse(JsonNode payload) {
    try {
      return Json.mapper().treeToValue(payload, inputType);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + " input is invalid: " + e.getOriginalMessage(), e);
    }
  }

  /** Acquire and decide ({@link TickPhases#acquire}). */
  public static final class Acquire
      extends PhaseHandler<PhaseIo.AcquireInput, PhaseIo.AcquireOutput> {
    public Acquire() {
      this(TickContainer.eagerly());
    }

    public Acquire(Supplier<TickPhases> phases) {
      super(PhaseIo.AcquireInput.class, phases);
    }

    @Override
    PhaseIo.AcquireOutput apply(TickPhases phases, PhaseIo.AcquireInput input) {
      return phases.acquire(input);
    }
  }

  /** Run the step ({@link TickPhases#step}). */
  public static final class Step extends PhaseHandler<PhaseIo.ClaimInput, PhaseIo.StepOutput> {
    public Step() {
      this(TickContainer.eagerly());
    }

    public Step(Supplier<TickPhases> phases) {
      super(PhaseIo.ClaimInput.class, phases);
    }

    @Override
    PhaseIo.StepOutput apply(TickPhases phases, PhaseIo.ClaimInput input) {
      return phases.step(input);
    }
  }

  /** Persist ({@link TickPhases#persist}). */
  public static final class Persist
      extends PhaseHandler<PhaseIo.ClaimInput, PhaseIo.PersistOutput> {
    public Persist() {
      this(TickContainer.eagerly());
    }

    public Persist(Supplier<TickPhases> phases) {
      super(PhaseIo.ClaimInput.class, phases);
    }

    @Override
    PhaseIo.PersistOutput apply(TickPhases phases, PhaseIo.ClaimInput input) {
      return phases.persist(input);
    }
  }

  /** Schedule the next wake ({@link TickPhases#scheduleWake}). */
  public static final class ScheduleWake extends PhaseHandler<PhaseIo.ScheduleInput, PhaseIo.Done> {
    public ScheduleWake() {
      this(TickContainer.eagerly());
    }

    public ScheduleWake(Supplier<TickPhases> phases) {
      super(PhaseIo.ScheduleInput.class, phases);
    }

    @Override
    PhaseIo.Done apply(TickPhases phases, PhaseIo.ScheduleInput input) {
      return phases.scheduleWake(input);
    }
  }

  /** Release ({@link TickPhases#release}). */
  public static final class Release extends PhaseHandler<PhaseIo.ClaimInput, PhaseIo.Done> {
    public Release() {
      this(TickContainer.eagerly());
    }

    public Release(Supplier<TickPhases> phases) {
      super(PhaseIo.ClaimInput.class, phases);
    }

    @Override
    PhaseIo.Done apply(TickPhases phases, PhaseIo.ClaimInput input) {
      return phases.release(input);
    }
  }

  /** The error state's recorder ({@link TickPhases#fail}). */
  public static final class Fail extends PhaseHandler<PhaseIo.FailInput, PhaseIo.FailOutput> {
    public Fail() {
      this(TickContainer.eagerly());
    }

    public Fail(Supplier<TickPhases> phases) {
      super(PhaseIo.FailInput.class, phases);
    }

    @Override
    PhaseIo.FailOutput apply(TickPhases phases, PhaseIo.FailInput input) {
      return phases.fail(input);
    }
  }
}
