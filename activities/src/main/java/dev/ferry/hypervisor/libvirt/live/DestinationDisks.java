package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.libvirt.StoragePools;
import dev.ferry.live.DiskInfo;
import dev.ferry.live.PrepareRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pre_live_migration's disks on the destination, made through libvirt's storage pools like every
 * disk Ferry makes. Each disk it creates gets a marker volume beside it naming the move: a retry of
 * the same move finds its own disk; a disk without it is never overwritten.
 */
final class DestinationDisks {
  private static final Logger log = LoggerFactory.getLogger(DestinationDisks.class);

  static final String MARKER_INFIX = ".ferry-move-";

  private static final long MIN_BYTES = 1024L * 1024L;

  private DestinationDisks() {}

  /** Checks (shared storage) or creates (block migration) the disks; returns those it created. */
  static List<String> prepare(Connect c, PrepareRequest request, String here)
      throws LibvirtException {
    List<String> created = new ArrayList<>();
    for (DiskInfo disk : request.disks()) {
      String path = StoragePools.requireDiskPath(disk.path());
      StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
      String name = StoragePools.nameOf(path);
      boolean exists = StoragePools.findVolume(pool, name) != null;
      if (!request.blockMigration()) {
        if (!exists) {
          throw new FerryRejection(
              Reason.INVALID_STATE,
              "disk " + path + " is not visible on " + here + ": shared storage was expected");
        }
        continue;
      }
      String marker = name + MARKER_INFIX + request.moveId();
      if (exists) {
        if (StoragePools.findVolume(pool, marker) == null) {
          throw new FerryRejection(
              Reason.INVALID_STATE,
              "a file already exists at " + path + " on " + here + ": refusing to overwrite it");
        }
        created.add(path); // an earlier attempt of this move created it
        continue;
      }
      if (StoragePools.findVolume(pool, marker) == null) {
        // else an earlier attempt of this move made the marker and stopped before the disk
        StoragePools.createVolume(pool, marker, 0, "raw");
      }
      String format = disk.format() == null ? "qcow2" : disk.format();
      StoragePools.createVolume(pool, name, Math.max(disk.virtualSizeBytes(), MIN_BYTES), format);
      log.info("created disk {} ({}) for move {}", path, format, request.moveId());
      created.add(path);
    }
    return created;
  }

  /** Deletes the disks and their markers; missing ones are fine, a directory is refused. */
  static void remove(Connect c, List<String> paths) throws LibvirtException {
    for (String p : paths) {
      if (p == null || !p.startsWith("/")) {
        throw new FerryRejection(Reason.INVALID_ARGUMENT, "not an absolute path: " + p);
      }
      StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(p));
      String name = StoragePools.nameOf(p);
      StorageVol vol = StoragePools.findVolume(pool, name);
      if (vol != null && StoragePools.isDirectory(vol)) {
        throw new FerryRejection(Reason.INVALID_ARGUMENT, p + " is a directory");
      }
      StoragePools.deleteVolume(pool, name);
      removeMarkers(pool, name);
    }
  }

  /**
   * The markers only serve prepare's retries: once the guest runs here, its disks are its own and
   * the markers go. A failure is only logged: a marker left behind blocks nothing of this guest.
   */
  static void removeMarkers(Connect c, List<String> diskPaths) {
    for (String path : diskPaths) {
      if (path == null || !path.startsWith("/")) {
        continue;
      }
      try {
        StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
        removeMarkers(pool, StoragePools.nameOf(path));
      } catch (LibvirtException e) {
        log.warn("could not remove move markers beside {}: {}", path, e.getMessage());
      }
    }
  }

  private static void removeMarkers(StoragePool pool, String disk) throws LibvirtException {
    for (String volume : pool.listVolumes()) {
      if (volume.startsWith(disk + MARKER_INFIX)) {
        StoragePools.deleteVolume(pool, volume);
      }
    }
  }
}
