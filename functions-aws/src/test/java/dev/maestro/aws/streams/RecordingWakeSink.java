package dev.maestro.aws.streams;

import dev.maestro.core.stream.WakeSink;
import dev.maestro.core.substrate.ContinuationRef;
import dev.maestro.core.wake.Wake;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A {@link WakeSink} that records deliveries and fails those a predicate picks. */
final class RecordingWakeSink implements WakeSink {

  record Delivery(ContinuationRef ref, Wake wake) {}

  final List<Delivery> deliveries = new ArrayList<>();
  private Predicate<Wake> failing = wake -> false;

  RecordingWakeSink failWhen(Predicate<Wake> predicate) {
    this.failing = predicate;
    return this;
  }

  @Override
  public void deliver(ContinuationRef ref, Wake wake) {
    if (failing.test(wake)) throw new IllegalStateException("scheduler unavailable");
    deliveries.add(new Delivery(ref, wake));
  }
}
