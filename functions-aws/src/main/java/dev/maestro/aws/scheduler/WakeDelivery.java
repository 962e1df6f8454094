package dev.maestro.aws.scheduler;

import dev.maestro.aws.tick.TickRequest;
import dev.maestro.core.continuation.ContinuationId;
import dev.maestro.core.continuation.TenantId;
import dev.maestro.core.json.Json;
import dev.maestro.core.substrate.ScheduledWake;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a pushed wake carries to the tick it starts, and the name it goes by. The input is {@code
 * {"tenant":..,"continuation_id":..,"wake":<the wake as the core writes it>}}, the same whether the
 * tick is started at once or by a schedule. The name is derived from (tenant, continuation, wake
 * id) alone, so registering the same wake again addresses the same schedule and execution.
 */
public final class WakeDelivery {

  private static final int HASH_HEX_CHARS = 24;

  private WakeDelivery() {}

  /**
   * {@code mw-<continuation id>-<24 hex of SHA-256(tenant, continuation, wake id)>}: 64 characters
   * of {@code [0-9a-z-]}, valid both as an EventBridge Scheduler schedule name (at most 64 of
   * {@code [0-9A-Za-z-_.]}) and as a Step Functions execution name (at most 80 of {@code
   * [0-9A-Za-z_-]}). The continuation id keeps names readable in the console; the hash makes them
   * unique per wake (96 bits) whatever characters the wake id has.
   */
  public static String name(TenantId tenant, ContinuationId id, String wakeId) {
    return "mw-"
        + id.value()
        + "-"
        + sha256Hex(tenant.value() + "\n" + id.value() + "\n" + wakeId)
            .substring(0, HASH_HEX_CHARS);
  }

  /** {@link #name(TenantId, ContinuationId, String)} of {@code wake}. */
  public static String name(ScheduledWake wake) {
    return name(wake.tenant(), wake.continuationId(), wake.wake().id());
  }

  /** The tick's input for {@code wake}, as JSON text. */
  public static String input(ScheduledWake wake) {
    return Json.write(TickRequest.of(wake));
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
