package dev.ferry.entities;

import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import io.temporal.activity.ActivityInterface;

/** Workflows' way to HostWorkflows (conductor activities holding a client). */
@ActivityInterface(namePrefix = "HostRecord")
public interface HostRecordActivities {
  /** The host's record; fails non-retryably with FerryRejection.UNKNOWN_HOST if there is none. */
  HostRecord get(String host);

  /** Puts work on the host's cleanup list, to be done when its agent returns. Idempotent by id. */
  void addCleanup(String host, CleanupItem item);

  /** HostWorkflow.acquireSlot: true when granted, false when queued (a signal follows). */
  boolean acquireSlot(String host, String moveId);

  void releaseSlot(String host, String moveId);
}
