package dev.ferry.live;

import dev.ferry.model.NovaStatus;

/**
 * Nova's live-migration statuses. {@code failed}: nothing moved and everything was put back (a
 * pre-check refused, or a step failed and was rolled back); {@code cancelled}: the operator aborted
 * and everything was put back; {@code error}: the move could not put everything back (a host was
 * unreachable, post-copy was lost): the instance record says where the guest is.
 */
public enum LiveMigrationStatus implements NovaStatus {
  /** Pre-checks, then waiting for an outbound slot on the source: nothing touched on any host. */
  QUEUED,
  /** pre_live_migration on the destination. */
  PREPARING,
  /** The libvirt job runs (pre-copy). */
  RUNNING,
  /** Post-copy has started: the point of no return. */
  RUNNING_POST_COPY,
  /** Switched over: post steps on both hosts. */
  POST_MIGRATING,
  COMPLETED,
  FAILED,
  CANCELLED,
  ERROR
}
