package dev.ferry.resize;

/** What moves a resize from one status to the next. */
public enum ResizeEvent {
  /** Destination claimed and chosen. */
  PREPARED,
  /** Stopped at the source, disk and definition moved. */
  MIGRATED,
  /** Defined (and started) at the destination. */
  FINISHED_AT_DEST,
  CONFIRM,
  /** Source copy removed, claims swapped. */
  CONFIRM_DONE,
  REVERT,
  /** Destination copy removed, source restarted. */
  REVERT_DONE,
  /** A step failed; compensation has run. */
  FAILED,
  /** A workflow cancel stopped the move before VERIFY_RESIZE; compensation has run cleanly. */
  CANCEL
}
