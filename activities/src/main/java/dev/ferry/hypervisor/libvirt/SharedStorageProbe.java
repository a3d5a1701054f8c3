package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * Nova's shared-storage test: an empty probe volume written through one host's libvirt is looked
 * for through another's; seen there, the directory is storage both hosts share. Probes are volumes
 * of the directory's pool named {@link DiskActivities#PROBE_PREFIX}..., so no probe operation can
 * touch a disk.
 */
public final class SharedStorageProbe {

  private SharedStorageProbe() {}

  /** Whether {@code path} names a probe (an absolute path whose file name is a probe's). */
  public static boolean isProbe(String path) {
    return path != null
        && path.startsWith("/")
        && !path.endsWith("/")
        && StoragePools.nameOf(path).startsWith(DiskActivities.PROBE_PREFIX);
  }

  /** {@code path} when it is a normalized probe path; else a non-retryable INVALID_ARGUMENT. */
  public static String requireProbe(String path) {
    StoragePools.requireDiskPath(path);
    if (!isProbe(path)) {
      throw new FerryRejection(
              Reason.INVALID_ARGUMENT,
              "probe '" + path + "' must be named " + DiskActivities.PROBE_PREFIX + "...")
          .toFailure();
    }
    return path;
  }

  /** Writes the probe; an existing one is kept. */
  public static void write(Connect c, String path) throws LibvirtException {
    StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
    String name = StoragePools.nameOf(path);
    if (StoragePools.findVolume(pool, name) == null) {
      StoragePools.createVolume(pool, name, 0, "raw");
    }
  }

  public static boolean exists(Connect c, String path) throws LibvirtException {
    StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
    return StoragePools.findVolume(pool, StoragePools.nameOf(path)) != null;
  }

  /** Removes the probe; true when there was one. */
  public static boolean remove(Connect c, String path) throws LibvirtException {
    StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
    return StoragePools.deleteVolume(pool, StoragePools.nameOf(path));
  }
}
