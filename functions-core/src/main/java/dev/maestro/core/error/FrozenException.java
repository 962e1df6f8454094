package dev.maestro.core.error;

/** A compliance freeze blocks this write or spend. */
public final class FrozenException extends MaestroException {

  public FrozenException(String message) {
    super("compliance_freeze", message);
  }

  @Override
  public int httpStatus() {
    return 423;
  }
}
