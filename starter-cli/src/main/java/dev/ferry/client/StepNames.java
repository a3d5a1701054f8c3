package dev.ferry.client;

import java.util.Map;

/** What a move's step does, in the operator's words, by the engine's activity type. */
final class StepNames {
  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("HypervisorPowerOff", "stopping the server"),
          Map.entry("HypervisorPowerOn", "starting the server"),
          Map.entry("HypervisorDefine", "defining the server"),
          Map.entry("HypervisorInspect", "looking at the server in libvirt"),
          Map.entry("HypervisorRemove", "removing the server's definition"),
          Map.entry("HypervisorCheckGuestCpu", "checking the destination's CPU"),
          Map.entry("DiskCopyDisk", "copying the disk"),
          Map.entry("DiskCreateDisk", "creating the disk"),
          Map.entry("DiskCreateDiskFromImage", "creating the disk from its image"),
          Map.entry("DiskFindImage", "looking for the server's image"),
          Map.entry("DiskDeleteDisk", "deleting a disk"),
          Map.entry("DiskWriteProbe", "probing for shared storage"),
          Map.entry("DiskProbeExists", "probing for shared storage"),
          Map.entry("DiskRemoveProbe", "removing the storage probe"),
          Map.entry("FencingFence", "fencing the failed host"),
          Map.entry("LiveInspectSource", "checking the source"),
          Map.entry("LiveCheckDestination", "checking the destination"),
          Map.entry("LiveProbesSeen", "probing for shared storage"),
          Map.entry("LiveRemoveProbes", "removing the storage probes"),
          Map.entry("LivePrepareDestination", "preparing the destination"),
          Map.entry("LiveMigrate", "migrating the running server"),
          Map.entry("LiveForceComplete", "forcing the migration to complete"),
          Map.entry("LiveSettleJob", "waiting for the migration job to settle"),
          Map.entry("LiveFinishAtDestination", "finishing on the destination"),
          Map.entry("LiveRemoveDisks", "removing copied disks"),
          Map.entry("PlacementClaim", "claiming resources on a host"),
          Map.entry("PlacementAdmit", "claiming resources on the destination"),
          Map.entry("PlacementRelease", "releasing the claim"),
          Map.entry("PlacementSwap", "moving the claim to the destination"),
          Map.entry("PlacementSettings", "reading the cluster's settings"),
          Map.entry("PlacementHostNames", "listing the hosts"),
          Map.entry("PlacementForgetInstance", "forgetting the server's claims"),
          Map.entry("HostRecordGet", "reading the host's record"),
          Map.entry("HostRecordAddCleanup", "telling the old host what to clean up"),
          Map.entry("HostRecordAcquireSlot", "waiting for a migration slot on the source"),
          Map.entry("HostRecordReleaseSlot", "giving back the migration slot"));

  private StepNames() {}

  /** The operator's words for {@code activityType}; the type itself for a step not named here. */
  static String of(String activityType) {
    return NAMES.getOrDefault(activityType, activityType);
  }
}
