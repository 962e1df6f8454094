package dev.maestro.core.wake;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sleeping or waiting continuation is waiting for. A wake runs a tick only if the current
 * condition {@link #matches(Wake) matches} it, which is also what makes redelivered timer wakes
 * harmless: once a timer has been consumed, the condition no longer names it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = WakeCondition.Timer.class, name = "timer"),
  @JsonSubTypes.Type(value = WakeCondition.Signal.class, name = "signal"),
  @JsonSubTypes.Type(value = WakeCondition.Stream.class, name = "stream"),
  @JsonSubTypes.Type(value = WakeCondition.Publish.class, name = "publish"),
  @JsonSubTypes.Type(value = WakeCondition.AnyOf.class, name = "any_of"),
})
public sealed interface WakeCondition {

  /** Whether {@code wake} satisfies this condition. */
  boolean matches(Wake wake);

  /** The timer this condition needs registered with the Scheduler, if any. */
  Optional<Timer> timer();

  /**
   * Whether this is purely a timer (status SLEEPING) rather than a wait on a signal or stream.
   * Derived, so not part of the wire form.
   */
  @JsonIgnore
  default boolean isSleep() {
    return this instanceof Timer;
  }

  /** Wake when the timer {@code timerId} fires, at or after {@code at}. */
  record Timer(String timerId, Instant at) implements WakeCondition {
    public Timer {
      Objects.requireNonNull(timerId, "timerId");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public boolean matches(Wake wake) {
      return wake.kind() == WakeKind.TIMER && wake.id().equals(timerId);
    }

    @Override
    public Optional<Timer> timer() {
      return Optional.of(this);
    }
  }

  /**
   * Wake on a human signal of one of {@code kinds} (all kinds when empty). The kinds iterate in
   * sorted order, so the JSON (and every event hash over it) is the same in every JVM.
   */
  record Signal(Set<String> kinds) implements WakeCondition {
    public Signal {
      kinds = Collections.unmodifiableSortedSet(new TreeSet<>(kinds));
    }

    @Override
    public boolean matches(Wake wake) {
      return wake.kind() == WakeKind.SIGNAL && (kinds.isEmpty() || kinds.contains(wake.channel()));
    }

    @Override
    public Optional<Timer> timer() {
      return Optional.empty();
    }
  }

  /**
   * Wake on a message on {@code topic} whose fields equal every field of {@code predicate} (an
   * empty predicate matches every message).
   */
  record Stream(String topic, JsonNode predicate) implements WakeCondition {
    public Stream {
      Objects.requireNonNull(topic, "topic");
      predicate =
          predicate == null
              ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
              : predicate;
    }

    @Override
    public boolean matches(Wake wake) {
      return wake.kind() == WakeKind.STREAM
          && wake.channel().equals(topic)
          && contains(wake.payload(), predicate);
    }

    @Override
    public Optional<Timer> timer() {
      return Optional.empty();
    }

    private static boolean contains(JsonNode message, JsonNode predicate) {
      if (predicate.isObject()) {
        if (!message.isObject()) return false;
        for (var it = predicate.fields(); it.hasNext(); ) {
          var field = it.next();
          JsonNode actual = message.get(field.getKey());
          if (actual == null || !contains(actual, field.getValue())) return false;
        }
        return true;
      }
      return predicate.equals(message);
    }
  }

  /** Wake when a sibling publishes to {@code tag}. */
  record Publish(String tag) implements WakeCondition {
    public Publish {
      Objects.requireNonNull(tag, "tag");
    }

    @Override
    public boolean matches(Wake wake) {
      return wake.kind() == WakeKind.PUBLISH && wake.channel().equals(tag);
    }

    @Override
    public Optional<Timer> timer() {
      return Optional.empty();
    }
  }

  /** Wake on the first of several conditions (e.g. a signal, with a timer as the timeout). */
  record AnyOf(List<WakeCondition> anyOf) implements WakeCondition {
    public AnyOf {
      anyOf = List.copyOf(anyOf);
      if (anyOf.isEmpty())
        throw new IllegalArgumentException("any_of needs at least one condition");
      if (anyOf.stream().filter(c -> c instanceof Timer).count() > 1) {
        throw new IllegalArgumentException("any_of holds at most one timer");
      }
    }

    @Override
    public boolean matches(Wake wake) {
      return anyOf.stream().anyMatch(c -> c.matches(wake));
    }

    @Override
    public Optional<Timer> timer() {
      return anyOf.stream().flatMap(c -> c.timer().stream()).findFirst();
    }

    @JsonIgnore
    @Override
    public boolean isSleep() {
      return false;
    }
  }
}
