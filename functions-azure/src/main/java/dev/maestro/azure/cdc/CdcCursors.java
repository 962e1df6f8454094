package dev.maestro.azure.cdc;

import com.azure.cosmos.CosmosAsyncContainer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.azure.streams.ConditionalDocs;
import dev.maestro.azure.streams.CosmosSubscriptions;
import dev.maestro.core.substrate.ContinuationRef;
import java.util.Objects;

/**
 * How far CDC has processed each continuation's log: one document per continuation in the
 * subscriptions container (pk {@code tenant#continuationId}, beside its registry document; id
 * {@value #ID}; {@code sequence} the last event processed). It only moves forward, so a late or
 * replayed change never moves it back.
 */
public final class CdcCursors implements ContinuationCdc.Cursors {

  /** The cursor document's id. */
  public static final String ID = "cdc";

  private final CosmosAsyncContainer container;

  public CdcCursors(CosmosAsyncContainer container) {
    this.container = Objects.requireNonNull(container, "container");
  }

  @Override
  public long processed(ContinuationRef ref) {
    return ConditionalDocs.read(container, CosmosSubscriptions.continuationKey(ref), ID)
        .map(ConditionalDocs::sequence)
        .filter(s -> s >= 0)
        .orElse(0L);
  }

  @Override
  public void advance(ContinuationRef ref, long sequence) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("id", ID);
    doc.put("pk", CosmosSubscriptions.continuationKey(ref));
    doc.put(ConditionalDocs.SEQUENCE, sequence);
    ConditionalDocs.putIfNewer(container, doc);
  }
}
