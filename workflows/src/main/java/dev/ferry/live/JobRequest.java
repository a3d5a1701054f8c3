package dev.ferry.live;

import dev.ferry.model.LiveMigrationOptions;

/**
 * The libvirt job, run on the source: peer-to-peer, live, persisted at the destination (with the
 * definition re-tagged to {@code newEpoch}), undefined at the source.
 *
 * @param destUri the destination libvirtd as the source's libvirtd reaches it (qemu+tcp://...)
 * @param blockMigration copy non-shared disks with the memory
 * @param unsafe Ferry's own probe found the disks shared: tell libvirt so (VIR_MIGRATE_UNSAFE)
 * @param options resolved options (bandwidth, downtime, post-copy, auto-converge, timeouts)
 * @param completionTimeoutSeconds the job's whole budget (0 = none), per GiB times data size
 * @param resumePostCopy recover a failed post-copy migration (VIR_MIGRATE_POSTCOPY_RESUME)
 * @param paused the guest was paused when the move started: it stays paused at the destination
 *     (VIR_MIGRATE_PAUSED), never switches to post-copy, and has nothing to force; false in
 *     requests from before it existed
 */
public record JobRequest(
    String moveId,
    String instanceId,
    String destHost,
    String destUri,
    boolean blockMigration,
    boolean unsafe,
    LiveMigrationOptions options,
    long completionTimeoutSeconds,
    long newEpoch,
    boolean resumePostCopy,
    boolean paused) {

  /** A request for a guest that runs. */
  public JobRequest(
      String moveId,
      String instanceId,
      String destHost,
      String destUri,
      boolean blockMigration,
      boolean unsafe,
      LiveMigrationOptions options,
      long completionTimeoutSeconds,
      long newEpoch,
      boolean resumePostCopy) {
    this(
        moveId,
        instanceId,
        destHost,
        destUri,
        blockMigration,
        unsafe,
        options,
        completionTimeoutSeconds,
        newEpoch,
        resumePostCopy,
        false);
  }
}
