package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.model.BaseImage;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import dev.ferry.model.RootDisk;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DiskActivities} through this host's libvirt storage pools. The disk copy to another host
 * is {@link DiskCopier}'s; the shared-storage probe is {@link SharedStorageProbe}.
 */
public class LibvirtDiskActivities implements DiskActivities {

  private static final Logger log = LoggerFactory.getLogger(LibvirtDiskActivities.class);

  private static final long MIB = 1024L * 1024L;

  /** The largest root disk {@link #createDisk} makes (16 TiB). */
  static final long MAX_DISK_MB = 16L * 1024 * 1024;

  /** Where a host keeps its base images unless configured otherwise. */
  public static final String DEFAULT_IMAGES_DIR = "/var/lib/ferry/images";

  /**
   * Where this host keeps instance disks and base images, and how fast it may copy disks.
   *
   * @param localDir host-local instances directory (Nova's instances_path)
   * @param sharedDir instances directory on storage shared with other hosts
   * @param imagesDir this host's image store: the base images root disks are made from (Nova's
   *     {@code _base} image cache)
   * @param copyMaxBytesPerSecond cap on a disk copy's rate; 0 = none
   */
  public record Settings(
      String localDir, String sharedDir, String imagesDir, long copyMaxBytesPerSecond) {

    /** Without an image store setting: {@link #DEFAULT_IMAGES_DIR}. */
    public Settings(String localDir, String sharedDir, long copyMaxBytesPerSecond) {
      this(localDir, sharedDir, DEFAULT_IMAGES_DIR, copyMaxBytesPerSecond);
    }

    public static Settings defaults() {
      return new Settings("/var/lib/ferry/local", "/var/lib/ferry/shared", DEFAULT_IMAGES_DIR, 0);
    }
  }

  private final LibvirtConnection connection;
  private final Settings settings;
  private final DiskCopier copier;

  public LibvirtDiskActivities(LibvirtConnection connection, Settings settings) {
    this(connection, settings, DiskCopier::openPeer);
  }

  /** {@code peers} opens a client connection to another host's libvirt (tests pass their own). */
  LibvirtDiskActivities(
      LibvirtConnection connection, Settings settings, Function<String, LibvirtConnection> peers) {
    this.connection = connection;
    this.settings = settings;
    this.copier = new DiskCopier(connection, peers, settings.copyMaxBytesPerSecond());
  }

  @Override
  public String createDisk(String instanceId, long sizeMb, boolean shared) {
    if (instanceId == null || !Names.isUuid(instanceId)) {
      throw reject(Reason.INVALID_ARGUMENT, "server id '" + instanceId + "' is not a UUID");
    }
    if (sizeMb < 1 || sizeMb > MAX_DISK_MB) {
      throw reject(
          Reason.INVALID_ARGUMENT, "disk size " + sizeMb + " MiB is not in 1.." + MAX_DISK_MB);
    }
    String dir = shared ? settings.sharedDir() : settings.localDir();
    String name = instanceId.toLowerCase(Locale.ROOT) + ".qcow2";
    String path = Path.of(dir, name).toString();
    return activity(
        "createDisk " + path,
        () ->
            connection.call(
                c -> {
                  StoragePool pool = StoragePools.ensure(c, dir);
                  if (StoragePools.findVolume(pool, name) == null) {
                    StoragePools.createVolume(pool, name, sizeMb * MIB, "qcow2");
                    log.info("created disk {} ({} MiB, qcow2)", path, sizeMb);
                  }
                  return path;
                }));
  }

  @Override
  public BaseImage findImage(String image) {
    String name = requireImageName(image);
    return activity(
        "findImage " + name,
        () ->
            connection.call(
                c -> {
                  StoragePool store = StoragePools.ensure(c, settings.imagesDir());
                  StorageVol vol = BaseImages.find(store, name);
                  return vol == null ? null : BaseImages.describe(name, vol);
                }));
  }

  /**
   * A full copy ({@code virStorageVolCreateXMLFrom}: qemu-img convert on a dir pool), not a qcow2
   * overlay on the image: the disk then stands alone like any other instance disk, so the cold
   * migration's volume stream and block migration copy it unchanged (an overlay would stream only
   * its own clusters and need the same image at the same path on the destination), and the image
   * can be replaced or removed from the store without touching the instances made from it.
   */
  @Override
  public RootDisk createDiskFromImage(
      String instanceId, String image, long sizeMb, boolean shared) {
    if (instanceId == null || !Names.isUuid(instanceId)) {
      throw reject(Reason.INVALID_ARGUMENT, "server id '" + instanceId + "' is not a UUID");
    }
    String imageName = requireImageName(image);
    if (sizeMb < 0 || sizeMb > MAX_DISK_MB) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          "disk size " + sizeMb + " MiB is not in 0.." + MAX_DISK_MB + " (0: the image's size)");
    }
    String dir = shared ? settings.sharedDir() : settings.localDir();
    String name = instanceId.toLowerCase(Locale.ROOT) + ".qcow2";
    String path = Path.of(dir, name).toString();
    ActivityExecutionContext context = Activity.getExecutionContext();
    return activity(
        "createDiskFromImage " + path + " from " + imageName,
        () ->
            connection.call(
                c -> {
                  StoragePool store = StoragePools.ensure(c, settings.imagesDir());
                  StorageVol source = BaseImages.find(store, imageName);
                  if (source == null) {
                    throw new FerryRejection(
                        Reason.UNKNOWN_IMAGE,
                        BaseImages.missing(
                            imageName, store, settings.imagesDir(), connection.uri()));
                  }
                  BaseImage base = BaseImages.describe(imageName, source);
                  long wantBytes = sizeMb == 0 ? base.sizeBytes() : sizeMb * MIB;
                  if (wantBytes < base.sizeBytes()) {
                    throw new FerryRejection(
                        Reason.INVALID_ARGUMENT,
                        "a disk of "
                            + sizeMb
                            + " MiB is smaller than image "
                            + imageName
                            + " ("
                            + ceilMib(base.sizeBytes())
                            + " MiB)");
                  }
                  StoragePool pool = StoragePools.ensure(c, dir);
                  List<String> users = StoragePools.domainsUsing(c, path, false);
                  if (!users.isEmpty()) {
                    throw new FerryRejection(
                        Reason.INVALID_STATE,
                        path + " is in use by domain " + users + ": not replaced by a new disk");
                  }
                  if (StoragePools.deleteVolume(pool, name)) {
                    log.info("deleted {}, left before this disk was made from {}", path, imageName);
                  }
                  StorageVol disk =
                      BaseImages.cloneWithHeartbeats(context, pool, source, name, wantBytes);
                  log.info(
                      "created disk {} ({} MiB, qcow2) as a full copy of image {} ({})",
                      path,
                      ceilMib(wantBytes),
                      imageName,
                      base.path());
                  return new RootDisk(disk.getPath(), ceilMib(wantBytes), base);
                }));
  }

  private static long ceilMib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }

  @Override
  public void writeProbe(String probePath) {
    String path = SharedStorageProbe.requireProbe(probePath);
    activity(
        "writeProbe " + path,
        () ->
            connection.call(
                c -> {
                  SharedStorageProbe.write(c, path);
                  return null;
                }));
  }

  @Override
  public boolean probeExists(String probePath) {
    String path = SharedStorageProbe.requireProbe(probePath);
    return activity(
        "probeExists " + path, () -> connection.call(c -> SharedStorageProbe.exists(c, path)));
  }

  @Override
  public void removeProbe(String probePath) {
    String path = SharedStorageProbe.requireProbe(probePath);
    activity(
        "removeProbe " + path,
        () ->
            connection.call(
                c -> {
                  SharedStorageProbe.remove(c, path);
                  return null;
                }));
  }

  @Override
  public boolean deleteDisk(String path) {
    String disk = StoragePools.requireDiskPath(path);
    return activity(
        "deleteDisk " + disk,
        () ->
            connection.call(
                c -> {
                  List<String> users = StoragePools.domainsUsing(c, disk, false);
                  if (!users.isEmpty()) {
                    throw new FerryRejection(
                        Reason.INVALID_STATE,
                        "disk " + disk + " is in use by domain " + users + ": not deleted");
                  }
                  StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(disk));
                  boolean deleted = StoragePools.deleteVolume(pool, StoragePools.nameOf(disk));
                  if (deleted) {
                    log.info("deleted disk {}", disk);
                  }
                  return deleted;
                }));
  }

  @Override
  public DiskCopy copyDisk(String path, String destLibvirtUri, String destPath) {
    String from = StoragePools.requireDiskPath(path);
    String to = StoragePools.requireDiskPath(destPath);
    if (destLibvirtUri == null || destLibvirtUri.isBlank()) {
      throw reject(Reason.INVALID_ARGUMENT, "copyDisk needs the destination's libvirt URI");
    }
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return activity(
        "copyDisk " + from + " to " + destLibvirtUri,
        () -> copier.copy(from, destLibvirtUri, to, attempt));
  }

  private static String requireImageName(String image) {
    try {
      return Names.requireValidName("image", image);
    } catch (FerryRejection e) {
      throw e.toFailure();
    }
  }

  private static RuntimeException reject(Reason reason, String message) {
    return new FerryRejection(reason, message).toFailure();
  }

  private <T> T activity(String what, ActivityBoundary.Body<T> body) {
    return ActivityBoundary.run(what, connection.uri(), body);
  }
}
