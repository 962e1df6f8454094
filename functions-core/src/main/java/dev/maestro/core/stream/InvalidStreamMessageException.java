package dev.maestro.core.stream;

/**
 * A stream record that can never be delivered (not JSON, a missing or invalid field). Retrying it
 * would only block the queue or shard behind it, so handlers dead-letter it and acknowledge it.
 */
public final class InvalidStreamMessageException extends RuntimeException {

  private final String field;
  private final String problem;

  /**
   * @param field the JSON pointer of the offending field ({@code ""} for the whole record)
   * @param problem what is wrong with it
   */
  public InvalidStreamMessageException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** What is wrong with the field, without the field's name. */
  public String problem() {
    return problem;
  }

  /** The JSON pointer of the offending field ({@code ""} for the record as a whole). */
  public String field() {
    return field;
  }
}
