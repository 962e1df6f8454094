package dev.maestro.aws.cdc;

import dev.maestro.core.facts.FactSink;
import java.util.ArrayList;
import java.util.List;

/** A {@link FactSink} that keeps what it is sent, and can be told to fail. */
final class InMemoryFactSink implements FactSink {

  final List<byte[]> records = new ArrayList<>();
  boolean failing;

  @Override
  public void put(List<byte[]> batch) {
    if (failing) throw new IllegalStateException("firehose unavailable");
    records.addAll(batch);
  }
}
