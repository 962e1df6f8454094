package dev.maestro.core.api;

import dev.maestro.core.error.InvalidInputException;
import dev.maestro.core.error.InvalidInputException.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem with one request before failing, so a caller learns all that is wrong at
 * once instead of fixing one field per round trip.
 */
final class Violations {

  private final List<FieldError> errors = new ArrayList<>();

  void add(String pointer, String detail) {
    errors.add(new FieldError(pointer, detail));
  }

  void addAll(List<FieldError> more) {
    errors.addAll(more);
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Throws if anything was collected; the exception names every field. */
  void throwIfAny() {
    if (!errors.isEmpty()) throw new InvalidInputException(errors);
  }

  /** The JSON pointer (RFC 6901) of {@code field} under {@code parent}, escaping '~' and '/'. */
  static String pointer(String parent, String field) {
    return parent + "/" + field.replace("~", "~0").replace("/", "~1");
  }

  /** The JSON pointer of element {@code index} under {@code parent}. */
  static String pointer(String parent, int index) {
    return parent + "/" + index;
  }
}
