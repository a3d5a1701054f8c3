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
  /**
   * Cancelled before VERIFY_RESIZE (a workflow cancel): compensation ran, the instance is whole on
   * its source. A cancel in VERIFY_RESIZE is a revert instead.
   */
  CANCELLED,
  ERROR;

  /** Nova's spelling, e.g. {@code pre-migrating}. */
  public String novaName() {
    return name().toLowerCase().replace('_', '-');
  }
}
