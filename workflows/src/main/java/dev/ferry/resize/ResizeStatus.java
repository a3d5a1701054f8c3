package dev.ferry.resize;

/** Nova's migration statuses for a resize / cold migration. */
public enum ResizeStatus {
  PRE_MIGRATING,
  MIGRATING,
  POST_MIGRATING,
  /** Nova's "finished": the instance waits in VERIFY_RESIZE for confirm or revert. */
  FINISHED,
  CONFIRMING,
  CONFIRMED,
  REVERTING,
  REVERTED,
  ERROR;

  /** Nova's spelling, e.g. {@code pre-migrating}. */
  public String novaName() {
    return name().toLowerCase().replace('_', '-');
  }
}
