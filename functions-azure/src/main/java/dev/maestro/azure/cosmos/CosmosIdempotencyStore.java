package dev.maestro.azure.cosmos;

import static dev.maestro.azure.cosmos.Docs.ID;
import static dev.maestro.azure.cosmos.Docs.PK;
import static dev.maestro.azure.cosmos.Docs.TENANT;
import static dev.maestro.azure.cosmos.Docs.call;

import com.azure.cosmos.CosmosAsyncContainer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.substrate.EpochNanos;
import dev.maestro.core.substrate.IdempotencyStore;
import java.util.Objects;
import java.util.Optional;

/**
 * Idempotency keys in the {@code idempotency} container, one document per (tenant, key): pk {@code
 * tenant#<hash of key>}, id the same hash (Cosmos ids cannot hold every character a client may put
 * in a key). A claim is a point read, then a create: Cosmos lets exactly one of racing creates win
 * (the rest get 409) and the losers read the winner's claim.
 */
final class CosmosIdempotencyStore implements IdempotencyStore {

  static final String KEY = "key";
  static final String FINGERPRINT = "requestFingerprint";
  static final String RESOURCE_ID = "resourceId";
  static final String CLAIMED_AT = "claimedAt";

  private final CosmosAsyncContainer container;

  CosmosIdempotencyStore(CosmosAsyncContainer container) {
    this.container = container;
  }

  @Override
  public Claim claim(TenantId tenant, Claim proposed) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(proposed, "proposed");
    String id = Docs.hashedId(proposed.key());
    String pk = tenant.value() + "#" + id;
    String what = "claiming idempotency key " + proposed.key() + " of " + tenant;
    return call(
        what,
        () -> {
          Optional<ObjectNode> known = Docs.read(container, pk, id);
          if (known.isPresent()) return claimOf(known.get());
          ObjectNode doc = Docs.object();
          doc.put(ID, id);
          doc.put(PK, pk);
          doc.put(TENANT, tenant.value());
          doc.put(KEY, proposed.key());
          doc.put(FINGERPRINT, proposed.requestFingerprint());
          doc.put(RESOURCE_ID, proposed.resourceId());
          doc.put(CLAIMED_AT, EpochNanos.of(proposed.claimedAt()));
          if (Docs.create(container, pk, doc)) return proposed;
          // Another claim of this key won between our read and our create: return the winner's.
          return claimOf(
              Docs.read(container, pk, id)
                  .orElseThrow(
                      () ->
                          new CosmosStoreException(
                              "idempotency key "
                                  + proposed.key()
                                  + " is neither free nor stored")));
        });
  }

  private static Claim claimOf(ObjectNode doc) {
    return new Claim(
        Docs.text(doc, KEY),
        Docs.text(doc, FINGERPRINT),
        Docs.text(doc, RESOURCE_ID),
        EpochNanos.toInstant(Docs.number(doc, CLAIMED_AT)));
  }
}
