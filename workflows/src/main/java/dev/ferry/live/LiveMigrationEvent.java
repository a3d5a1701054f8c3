package dev.ferry.live;

/** What moves a live migration from one status to the next. */
public enum LiveMigrationEvent {
  /** The source granted an outbound slot (at once, or after queueing). */
  SLOT_GRANTED,
  /** The job activity says the libvirt job has started. */
  JOB_STARTED,
  /** The guest switched to post-copy (force-complete, timeout action or seen by the job). */
  POST_COPY_STARTED,
  /** The guest runs on the destination. */
  SWITCHED_OVER,
  /** Post steps done on both hosts, claim and record updated. */
  POST_DONE,
  /** A pre-check refused the move: nothing was touched. */
  REJECTED,
  /** A step failed; the instance was put back where it was. */
  ROLLED_BACK,
  /** The operator aborted; the instance was put back where it was. */
  ABORTED,
  /** Something could not be put back (dead host, lost post-copy, failed compensation). */
  BROKEN
}
