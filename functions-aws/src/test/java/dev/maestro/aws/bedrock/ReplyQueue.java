package dev.maestro.aws.bedrock;

import dev.maestro.aws.client.LocalAwsServer;
import dev.maestro.aws.client.LocalAwsServer.Recorded;
import dev.maestro.aws.client.LocalAwsServer.Reply;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link LocalAwsServer} standing in for Bedrock Runtime that answers queued replies in order
 * (500 {@code InternalServerException} when none is queued), for the Converse wire-format and
 * failover tests.
 */
final class ReplyQueue implements Function<Recorded, Reply> {

  private final Deque<Reply> replies = new ArrayDeque<>();
  final LocalAwsServer server = LocalAwsServer.start(this);

  @Override
  public synchronized Reply apply(Recorded request) {
    return replies.isEmpty()
        ? Reply.restError(500, "InternalServerException", "no reply queued")
        : replies.poll();
  }

  /** Queues {@code reply}. */
  synchronized void add(Reply reply) {
    replies.add(reply);
  }

  /** The last request received. */
  Recorded last() {
    List<Recorded> requests = server.requests();
    return requests.get(requests.size() - 1);
  }
}
