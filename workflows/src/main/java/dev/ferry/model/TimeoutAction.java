package dev.ferry.model;

/** Nova's {@code live_migration_timeout_action}: what the completion timeout does. */
public enum TimeoutAction {
  /** Abort the job; the guest stays on the source. */
  ABORT,
  /** Pause the guest (or switch to post-copy when permitted) so the job converges. */
  FORCE_COMPLETE
}
