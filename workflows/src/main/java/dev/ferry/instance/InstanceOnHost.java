package dev.ferry.instance;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.PowerState;
import dev.ferry.model.RootDisk;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.HostCallOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * The instance's own work on its host, through its record: building it (spawn: a disk, made empty
 * or from a base image, the definition, power on) and removing it on delete (or leaving the removal
 * on the host's cleanup list when the host does not answer).
 */
final class InstanceOnHost {

  private final InstanceRecord record;
  private final PlacementActivities placement;
  private final HostRecordActivities hostRecords;

  InstanceOnHost(
      InstanceRecord record, PlacementActivities placement, HostRecordActivities hostRecords) {
    this.record = record;
    this.placement = placement;
    this.hostRecords = hostRecords;
  }

  /**
   * Builds the instance on its host. False when the build was refused: nothing was created, the
   * admission is withdrawn and the record says DELETED with the reason.
   */
  boolean spawn() {
    record.taskState = TaskState.SPAWNING;
    try {
      var hypervisor = hypervisor(record.host);
      if (buildsFromImage()) {
        if (!createDiskFromImage()) {
          return false; // refused: nothing was created, the admission is withdrawn
        }
      } else if (record.diskSizeMb > 0 && record.diskPath == null) {
        record.diskPath =
            disk(record.host).createDisk(record.id, record.diskSizeMb, record.sharedStorage);
      }
      hypervisor.define(
          new DomainSpec(
              record.id,
              record.name,
              record.flavor,
              record.epoch,
              null,
              record.diskPath,
              record.baseImage));
      DomainView view = hypervisor.powerOn(record.id);
      record.domainXml = view.inactiveXml();
      record.powerState = view.powerState();
      record.vmState = VmState.ACTIVE;
    } catch (ActivityFailure e) {
      record.vmState = VmState.ERROR;
      record.lastError = "spawn on " + record.host + " failed: " + rootMessage(e);
    }
    record.taskState = TaskState.NONE;
    return true;
  }

  /**
   * A root disk from a base image (server create --image). Only records that name an image reach
   * the version marker, so a build without one issues exactly the commands it always did.
   */
  private boolean buildsFromImage() {
    return record.baseImage != null
        && !record.baseImage.isBlank()
        && record.diskPath == null
        && Workflow.getVersion("build-from-image", Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * The host's agent copies the image into the instance's new disk. An image the host does not have
   * (or a disk smaller than it) is a refusal, as Nova's ImageNotFound at boot: the admission is
   * withdrawn and the instance ends DELETED with the reason, never half built. False then.
   */
  private boolean createDiskFromImage() {
    RootDisk disk;
    try {
      disk =
          disk(record.host)
              .createDiskFromImage(
                  record.id, record.baseImage, record.diskSizeMb, record.sharedStorage);
    } catch (ActivityFailure f) {
      FerryRejection refusal = FerryRejection.from(f).orElse(null);
      if (refusal == null) {
        throw f;
      }
      refuseBuild(refusal);
      return false;
    }
    record.diskPath = disk.path();
    record.diskSizeMb = disk.sizeMb(); // what delete and an evacuation's rebuild go by
    return true;
  }

  private void refuseBuild(FerryRejection refusal) {
    try {
      placement.forgetInstance(record.id);
    } catch (ActivityFailure e) {
      // Placement's reconcile releases the claims of instances whose workflow has closed.
      Workflow.getLogger(InstanceWorkflowImpl.class)
          .warn("placement not told of the refused build of {}: {}", record.id, e.toString());
    }
    record.buildRefusal = refusal.reason();
    record.lastError = "build refused on " + record.host + ": " + refusal.getMessage();
    record.vmState = VmState.DELETED;
    record.powerState = PowerState.NOSTATE;
    record.taskState = TaskState.NONE;
  }

  /**
   * Removes the domain and the disk Ferry created from the instance's host; a host that does not
   * answer removes them when its agent returns (a cleanup item).
   */
  void remove() {
    try {
      hypervisor(record.host).remove(record.id, Long.MAX_VALUE);
      if (record.diskPath != null && record.diskSizeMb > 0) {
        disk(record.host).deleteDisk(record.diskPath); // the disk Ferry created
      }
    } catch (ActivityFailure e) {
      // The host does not answer: it removes the domain when its agent returns.
      hostRecords.addCleanup(
          record.host,
          new CleanupItem(
              "delete:" + record.id,
              CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK,
              record.id,
              Long.MAX_VALUE,
              record.sharedStorage ? null : record.diskPath,
              "server deleted while the host was unreachable"));
    }
  }

  private static HypervisorActivities hypervisor(String host) {
    return Workflow.newActivityStub(
        HypervisorActivities.class, HostCallOptions.instanceHypervisor(host));
  }

  private static DiskActivities disk(String host) {
    return Workflow.newActivityStub(
        DiskActivities.class, HostCallOptions.instanceDisk(host), HostCallOptions.diskPerMethod());
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage();
  }
}
