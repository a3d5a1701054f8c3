package dev.ferry.resize;

import dev.ferry.model.NovaStatus;

/** Nova's migration statuses for a resize / cold migration. */
public enum ResizeStatus implements NovaStatus {
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
  ERROR
}
