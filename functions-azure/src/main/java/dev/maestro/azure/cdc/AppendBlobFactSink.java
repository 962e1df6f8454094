package dev.maestro.azure.cdc;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.specialized.AppendBlobClient;
import dev.maestro.core.facts.FactSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * Fact rows into Azure Storage append blobs, one per UTC hour of arrival: {@code
 * facts/yyyy/MM/dd/HH.jsonl}, newline-delimited JSON (the rows as {@code FactRows} encodes them).
 * The warm store loads whole hours. Rows are appended in blocks of at most {@value #MAX_BLOCK}
 * bytes; a failure part way leaves the blocks already appended, and the retried batch appends its
 * rows again, so loaders deduplicate on (table, tenant, continuation_id, sequence) as they do for
 * the AWS Firehose files.
 */
public final class AppendBlobFactSink implements FactSink {

  /** The largest block appended at once (the service accepts 4 MiB blocks on every version). */
  static final int MAX_BLOCK = 4 * 1024 * 1024;

  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("'facts/'yyyy/MM/dd/HH'.jsonl'").withZone(ZoneOffset.UTC);

  private final BlobContainerClient container;
  private final Clock clock;

  public AppendBlobFactSink(BlobContainerClient container, Clock clock) {
    this.container = Objects.requireNonNull(container, "container");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The blob the rows of this hour go to. */
  public String currentBlob() {
    return HOUR.format(clock.instant());
  }

  @Override
  public void put(List<byte[]> records) {
    if (records.isEmpty()) return;
    AppendBlobClient blob = container.getBlobClient(currentBlob()).getAppendBlobClient();
    if (!blob.exists()) blob.createIfNotExists();
    var block = new ByteArrayOutputStream();
    for (byte[] row : records) {
      if (row.length > MAX_BLOCK) {
        throw new IllegalArgumentException("a fact row is larger than " + MAX_BLOCK + " bytes");
      }
      if (block.size() + row.length > MAX_BLOCK) {
        append(blob, block.toByteArray());
        block.reset();
      }
      block.writeBytes(row);
    }
    append(blob, block.toByteArray());
  }

  private static void append(AppendBlobClient blob, byte[] bytes) {
    if (bytes.length == 0) return;
    blob.appendBlock(new ByteArrayInputStream(bytes), bytes.length);
  }
}
