/**
 * The Cosmos DB (SQL API) substrate: {@link dev.maestro.azure.cosmos.CosmosSubstrate}.
 *
 * <h2>Documents and keys</h2>
 *
 * Four containers, each partitioned on {@code /pk}. A continuation's documents share the synthetic
 * key {@code tenant#continuationId} (one logical partition per continuation, the tenant always in
 * the key): its continuation document (snapshot, lease, log head, the spawn event), its event
 * documents (id the zero-padded sequence) and its timer registrations. Hierarchical (MultiHash)
 * partition keys {@code [/tenant, /continuationId]} would let a tenant's data be addressed as a
 * prefix; they are not used because the emulator the tests run on is not known to serve them (not
 * tried), so one synthetic key is used.
 *
 * <h2>The fence</h2>
 *
 * Every change to a continuation document (lease acquire, renew, release, snapshot save, log head
 * move) reads it, decides in memory, and replaces it with {@code If-Match} on its {@code _etag}; a
 * 412 means another writer changed it since, and the change is decided again on a fresh read. The
 * lease generation on that document is the fencing token: a write carrying an older fence is
 * rejected with {@code FencedException}.
 *
 * <h2>Appending without a transactional batch</h2>
 *
 * The log head ({@code logHeadSequence}, {@code logHeadHash}) on the continuation document is the
 * only commit point. An append:
 *
 * <ol>
 *   <li>reads the continuation document: fence check, head, etag;
 *   <li>reads the committed events the batch overlaps (point reads) and asks the core's {@code
 *       AppendPlan} whether the batch is a duplicate, a conflict, a gap or a broken link;
 *   <li>creates one document per new event. Where a document already exists at a sequence beyond
 *       the head it was never committed, and: the same hash is this batch's own earlier attempt
 *       (kept); an older generation is garbage of a writer that died or was fenced out before
 *       committing, which no head move can ever commit, so it is replaced with {@code If-Match};
 *       the same generation with another hash is a slot taken by a live writer of that generation
 *       (conflict); a newer generation means this writer is fenced out;
 *   <li>moves the head to the batch's last event with {@code If-Match} on the etag read in step 1.
 *       Success commits the whole batch at once; a 412 (another append, a lease change) sends the
 *       append back to step 1.
 * </ol>
 *
 * Readers read the head first and return only events at or below it (by point reads of the exact
 * sequences, which are contiguous), so documents of an uncommitted append are never visible.
 * Committed documents are never written again: a document is replaced only when its generation is
 * older than the replacer's fence and its sequence is beyond a head the replacer read while holding
 * that fence, and no writer of an older generation can move the head any more. Creating a
 * continuation is a single create of its document, which carries the spawn event (sequence 1)
 * itself; a copy is written to the events container afterwards for that container's consumers.
 *
 * <p>Limitation: a writer whose append failed after creating event documents and that then appends
 * a different batch under the same fence gets a conflict until the lease moves to a new generation
 * (retrying the same batch succeeds).
 *
 * <h2>What is read without queries</h2>
 *
 * The emulator serves no SQL queries, so cross-partition reads use bucket partitions read whole
 * with single-partition read feeds: the due index of timers ({@code timers#<bucket>}) and the
 * unfinished-continuation index ({@code unfinished#<bucket>}), each entry checked against its
 * source document by a point read. Their cost grows with the number of entries, not with the number
 * returned.
 */
package dev.maestro.azure.cosmos;
