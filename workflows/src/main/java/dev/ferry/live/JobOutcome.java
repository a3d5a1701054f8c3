package dev.ferry.live;

/**
 * How a libvirt job ended, and where the guest is as the source sees it.
 *
 * @param message libvirt's words when it failed
 * @param forcedBy null, or how the job was forced to complete (suspend, post-copy) and by whom
 */
public record JobOutcome(
    Result result,
    SourceState source,
    String message,
    long elapsedMs,
    boolean postCopy,
    String forcedBy,
    JobProgress last) {

  /** What the job did. */
  public enum Result {
    /** The guest runs on the destination. */
    COMPLETED,
    /** Aborted (operator, timeout, progress timeout): the guest stays on the source. */
    ABORTED,
    /** Failed before switch-over: the guest stays on the source. */
    FAILED,
    /** Failed during post-copy: the guest's state is split between the hosts. */
    POST_COPY_FAILED,
    /** No job ran and none runs; the source is as {@link #source()} says. */
    NO_JOB
  }

  /** The source's copy of the guest. */
  public enum SourceState {
    RUNNING,
    PAUSED,
    /** Paused for post-copy (the guest runs at the destination). */
    PAUSED_POST_COPY,
    /** Post-copy failed while this QEMU lives: libvirt's post-copy resume can recover it. */
    POST_COPY_FAILED,
    SHUT_OFF,
    /** No domain with this UUID: it migrated and was undefined (or never was here). */
    GONE,
    UNKNOWN
  }
}
