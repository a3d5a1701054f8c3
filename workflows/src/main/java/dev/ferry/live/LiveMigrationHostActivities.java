package dev.ferry.live;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * A host agent's part of a live migration; runs only on {@code ferry-host-<name>}. Checks refuse
 * with non-retryable {@code FerryRejection.<reason>} failures; everything else is idempotent.
 */
@ActivityInterface(namePrefix = "Live")
public interface LiveMigrationHostActivities {

  /**
   * Source: the guest (its power state says running or paused) and the host, for the destination's
   * checks. The domain must be active.
   */
  SourceFacts inspectSource(String instanceId);

  /**
   * Destination: hypervisor type and version, CPU compatibility (libvirt's comparison of the
   * guest's CPU), networks and bridges, no copy of the guest already running; writes one probe file
   * per directory for the shared-storage test.
   */
  DestinationFacts checkDestination(DestinationCheck check);

  /** Source: which of these probe files it sees (those directories are shared). */
  List<String> probesSeen(List<String> probePaths);

  /** Destination: removes the probe files (check_can_live_migrate_destination_cleanup). */
  void removeProbes(List<String> probePaths);

  /** Destination: pre_live_migration. Returns the disk files it created (rollback removes them). */
  List<String> prepareDestination(PrepareRequest request);

  /**
   * Source: THE job. Heartbeats {@link JobProgress}; signals its workflow when the job starts and
   * when post-copy starts; aborts the libvirt job only on a real cancel (and not in post-copy);
   * enforces the completion and progress timeouts. A retry re-attaches, never starts a second job.
   */
  JobOutcome migrate(JobRequest request);

  /** Source: suspends the guest, or switches to post-copy when permitted. Returns what it did. */
  String forceComplete(String instanceId, boolean postCopyPermitted);

  /**
   * Source: aborts the job when asked (never in post-copy), waits until none runs, and says where
   * the guest is.
   */
  JobOutcome settleJob(String instanceId, boolean abort);

  /** Destination: re-tags the definition with {@code epoch}, no autostart; completed-job stats. */
  FinishedAtDestination finishAtDestination(String instanceId, long epoch);

  /** Deletes these disk files (block-migration leftovers); missing ones are fine. */
  void removeDisks(List<String> paths);
}
