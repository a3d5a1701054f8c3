package dev.ferry.live;

/**
 * The job activity's heartbeat details: progress for clients (read from DescribeWorkflowExecution's
 * pending activity), and the {@code started} marker a retried attempt reads to re-attach instead of
 * starting a second migration.
 *
 * @param started migrate has been (or is about to be) called: never call it again
 * @param startedAtMillis wall clock of the first attempt's start; elapsed time carries forward
 * @param phase starting, running, post-copy, aborting, forcing, finishing
 * @param etaSeconds remaining data / current rate; null when unknown
 */
public record JobProgress(
    boolean started,
    long startedAtMillis,
    String phase,
    long elapsedMs,
    long memoryTotalBytes,
    long memoryProcessedBytes,
    long memoryRemainingBytes,
    long diskTotalBytes,
    long diskProcessedBytes,
    long diskRemainingBytes,
    long dataRemainingBytes,
    long bytesPerSecond,
    long iteration,
    long dirtyPagesPerSecond,
    Long etaSeconds,
    boolean postCopy,
    String forcedBy,
    String note) {

  public static JobProgress starting(long nowMillis, String note) {
    return new JobProgress(
        true, nowMillis, "starting", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, false, null, note);
  }

  public JobProgress withPhase(String newPhase, String newNote) {
    return new JobProgress(
        started,
        startedAtMillis,
        newPhase,
        elapsedMs,
        memoryTotalBytes,
        memoryProcessedBytes,
        memoryRemainingBytes,
        diskTotalBytes,
        diskProcessedBytes,
        diskRemainingBytes,
        dataRemainingBytes,
        bytesPerSecond,
        iteration,
        dirtyPagesPerSecond,
        etaSeconds,
        postCopy || "post-copy".equals(newPhase),
        forcedBy,
        newNote);
  }
}
