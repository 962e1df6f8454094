package dev.maestro.core.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * A record that could not be processed and was acknowledged anyway, kept for inspection.
 *
 * @param source the transport ({@code sqs}, {@code kinesis}, {@code eventbridge}, {@code
 *     servicebus}, {@code eventgrid}, {@code cdc})
 * @param recordId the transport's record id (message id, sequence number, event id)
 * @param receivedAt when the transport received it (the same on every redelivery where the
 *     transport says so, so a redelivered poison record overwrites its own dead letter)
 * @param raw the record as received
 * @param error why it was rejected
 */
public record DeadLetter(
    String source, String recordId, Instant receivedAt, String raw, String error) {
  public DeadLetter {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(error, "error");
  }
}
