package dev.maestro.core.continuation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tenant: the unit of isolation. Every key and partition key in every store carries it; it comes
 * from the caller's verified token, never from a request body.
 */
public record TenantId(String value) {

  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  public TenantId {
    Objects.requireNonNull(value, "tenant");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "tenant must match "
              + VALID.pattern()
              + " (lower-case letters, digits, '-', '_'): "
              + value);
    }
  }

  @JsonCreator
  public static TenantId of(String value) {
    return new TenantId(value);
  }

  /** Whether {@code value} is an acceptable tenant id. */
  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
