package dev.maestro.core.facts;

import java.util.List;

/**
 * Where warm-store fact rows go (AWS: a Firehose delivery stream into S3; Azure: hourly append
 * blobs). Each record is one newline-terminated JSON object with a {@code table} field. Delivery is
 * at least once: a replayed stream record sends the same bytes again, so consumers deduplicate on
 * (table, tenant, continuation_id, sequence). A failure is an exception; the CDC handler then
 * retries the batch.
 */
public interface FactSink {

  /** Sends {@code records}, in order; all or nothing from the caller's point of view. */
  void put(List<byte[]> records);
}
