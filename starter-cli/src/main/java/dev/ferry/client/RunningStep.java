package dev.ferry.client;

import dev.ferry.model.CopyProgress;
import dev.ferry.model.ShutdownWait;
import java.time.Instant;

/**
 * The step a move is running now: the move workflow's pending activity as the engine describes it,
 * with its heartbeat details when the step reports progress (a query cannot see heartbeats).
 *
 * @param activityType the engine's name of the step ({@code DiskCopyDisk}, ...)
 * @param step what it does, in the operator's words ({@code copying the disk})
 * @param attempt 1, or the retry it is in
 * @param startedAt when this attempt started; null while it waits for its host's agent
 * @param copy a disk copy's progress; null for other steps or before its first heartbeat
 * @param shutdown a graceful power-off's wait; null for other steps or before its first heartbeat
 * @param lastFailure why the previous attempt failed; null on the first attempt
 */
public record RunningStep(
    String activityType,
    String step,
    int attempt,
    Instant startedAt,
    CopyProgress copy,
    ShutdownWait shutdown,
    String lastFailure) {

  /** Waiting for its host's agent to pick it up (the agent is down or busy). */
  public boolean waitingForAgent() {
    return startedAt == null;
  }
}
