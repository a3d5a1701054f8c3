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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DiskActivities} through this host's libvirt storage pools. The disk copy runs on the
 * source host's agent: it opens a client connection to the destination's libvirt and pipes {@code
 * virStorageVolDownload} into {@code virStorageVolUpload}, chunk by chunk, without a staging file
 * and without the bytes ever leaving the two libvirt connections and this process.
 */
public class LibvirtDiskActivities implements DiskActivities {

  private static final Logger log = LoggerFactory.getLogger(LibvirtDiskActivities.class);

  static final int CHUNK = 1 << 20;
  private static final long MIB = 1024L * 1024L;

  /** How often a copy of a base image into a new disk tells Temporal it is alive. */
  static final long HEARTBEAT_EVERY_SECONDS = 5;

  /** The largest root disk {@link #createDisk} makes (16 TiB). */
  static final long MAX_DISK_MB = 16L * 1024 * 1024;

  /** Where a host keeps its base images unless configured otherwise. */
  public static final String DEFAULT_IMAGES_DIR = "/var/lib/ferry/images";

  /** The suffixes tried after the bare name when an image is looked up. */
  static final List<String> IMAGE_SUFFIXES = List.of("", ".qcow2", ".img", ".raw");

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
  private final Function<String, LibvirtConnection> peers;

  public LibvirtDiskActivities(LibvirtConnection connection, Settings settings) {
    this(connection, settings, LibvirtDiskActivities::openPeer);
  }

  /** {@code peers} opens a client connection to another host's libvirt (tests pass their own). */
  LibvirtDiskActivities(
      LibvirtConnection connection, Settings settings, Function<String, LibvirtConnection> peers) {
    this.connection = connection;
    this.settings = settings;
    this.peers = peers;
  }

  /** A plain connection for one copy: opened with a timeout, never re-opened, closed after. */
  private static LibvirtConnection openPeer(String uri) {
    return new LibvirtConnection(uri, false, LibvirtConnection.Options.DEFAULTS, Connect::new);
  }

  @Override
  public String createDisk(String instanceId, long sizeMb, boolean shared) {
    if (instanceId == null || !Names.isUuid(instanceId)) {
      throw reject(Reason.INVALID_ARGUMENT, "instance id '" + instanceId + "' is not a UUID");
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
                  if (findQuietly(pool, name) == null) {
                    pool.storageVolCreateXML(
                        StoragePools.volumeXml(name, sizeMb * MIB, "qcow2"), 0);
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
                  StorageVol vol = imageVolume(store, name);
                  return vol == null ? null : describe(name, vol);
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
      throw reject(Reason.INVALID_ARGUMENT, "instance id '" + instanceId + "' is not a UUID");
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
                  StorageVol source = imageVolume(store, imageName);
                  if (source == null) {
                    throw new FerryRejection(
                        Reason.UNKNOWN_IMAGE, missingImage(imageName, store, connection.uri()));
                  }
                  BaseImage base = describe(imageName, source);
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
                  if (deleteVolume(pool, name)) {
                    log.info("deleted {}, left before this disk was made from {}", path, imageName);
                  }
                  StorageVol disk = cloneWithHeartbeats(context, pool, source, name, wantBytes);
                  log.info(
                      "created disk {} ({} MiB, qcow2) as a full copy of image {} ({})",
                      path,
                      ceilMib(wantBytes),
                      imageName,
                      base.path());
                  return new RootDisk(disk.getPath(), ceilMib(wantBytes), base);
                }));
  }

  /**
   * Clones {@code source} into a new qcow2 volume of {@code capacityBytes}, heartbeating from
   * another thread while libvirt copies (the call blocks until the copy is done). The partial
   * volume goes on any failure.
   */
  private StorageVol cloneWithHeartbeats(
      ActivityExecutionContext context,
      StoragePool pool,
      StorageVol source,
      String name,
      long capacityBytes)
      throws LibvirtException {
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferry-image-copy-heartbeat");
              t.setDaemon(true);
              return t;
            });
    beat.scheduleAtFixedRate(
        () -> {
          try {
            context.heartbeat(name);
          } catch (RuntimeException e) {
            // cancelled or timed out: the copy ends on its own, the result is then dropped
          }
        },
        0,
        HEARTBEAT_EVERY_SECONDS,
        TimeUnit.SECONDS);
    boolean done = false;
    try {
      StorageVol disk =
          pool.storageVolCreateXMLFrom(
              StoragePools.volumeXml(name, capacityBytes, "qcow2"), source, 0);
      if (disk.getInfo().capacity < capacityBytes) {
        disk.resize(capacityBytes, 0); // a larger disk than the image: grow the copy
      }
      done = true;
      return disk;
    } finally {
      beat.shutdownNow();
      if (!done) {
        try {
          deleteVolume(pool, name);
        } catch (LibvirtException e) {
          log.warn("partial disk {} not deleted: {}", name, e.getMessage());
        }
      }
    }
  }

  private static StorageVol imageVolume(StoragePool store, String image) throws LibvirtException {
    for (String suffix : IMAGE_SUFFIXES) {
      StorageVol vol = StoragePools.findVolume(store, image + suffix);
      if (vol != null) {
        return vol;
      }
    }
    return null;
  }

  private static BaseImage describe(String image, StorageVol vol) throws LibvirtException {
    String format = StoragePools.xpath(vol.getXMLDesc(0), "/volume/target/format/@type");
    return new BaseImage(
        image, vol.getPath(), format == null ? "raw" : format, vol.getInfo().capacity);
  }

  private String missingImage(String image, StoragePool store, String uri) throws LibvirtException {
    List<String> have = new ArrayList<>(List.of(store.listVolumes()));
    have.removeIf(v -> v.startsWith("."));
    Collections.sort(have);
    return "no base image "
        + image
        + " in the image store "
        + settings.imagesDir()
        + " of "
        + uri
        + (have.isEmpty() ? " (it is empty)" : " (it has " + String.join(", ", have) + ")");
  }

  private static long ceilMib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }

  @Override
  public void writeProbe(String probePath) {
    String path = requireProbe(probePath);
    activity(
        "writeProbe " + path,
        () ->
            connection.call(
                c -> {
                  StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
                  String name = StoragePools.nameOf(path);
                  if (findQuietly(pool, name) == null) {
                    pool.storageVolCreateXML(StoragePools.volumeXml(name, 0, "raw"), 0);
                  }
                  return null;
                }));
  }

  @Override
  public boolean probeExists(String probePath) {
    String path = requireProbe(probePath);
    return activity(
        "probeExists " + path,
        () ->
            connection.call(
                c -> {
                  StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
                  return findQuietly(pool, StoragePools.nameOf(path)) != null;
                }));
  }

  @Override
  public void removeProbe(String probePath) {
    String path = requireProbe(probePath);
    activity(
        "removeProbe " + path,
        () ->
            connection.call(
                c -> {
                  StoragePool pool = StoragePools.ensure(c, StoragePools.dirOf(path));
                  deleteVolume(pool, StoragePools.nameOf(path));
                  return null;
                }));
  }

  @Override
  public boolean deleteDisk(String path) {
    String disk = requireDiskPath(path);
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
                  boolean deleted = deleteVolume(pool, StoragePools.nameOf(disk));
                  if (deleted) {
                    log.info("deleted disk {}", disk);
                  }
                  return deleted;
                }));
  }

  @Override
  public DiskCopy copyDisk(String path, String destLibvirtUri, String destPath) {
    String from = requireDiskPath(path);
    String to = requireDiskPath(destPath);
    if (destLibvirtUri == null || destLibvirtUri.isBlank()) {
      throw reject(Reason.INVALID_ARGUMENT, "copyDisk needs the destination's libvirt URI");
    }
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return activity(
        "copyDisk " + from + " to " + destLibvirtUri,
        () -> {
          LibvirtConnection peer;
          try {
            peer = peers.apply(destLibvirtUri);
          } catch (LibvirtUnavailableException e) {
            throw new LibvirtUnavailableException(
                "cannot open the destination's libvirt for the disk copy: " + e.getMessage(), e);
          }
          try {
            return connection.call(
                src -> peer.call(dst -> copy(src, dst, from, to, destLibvirtUri, attempt)));
          } finally {
            peer.close();
          }
        });
  }

  private DiskCopy copy(
      Connect src, Connect dst, String from, String to, String destUri, int attempt)
      throws LibvirtException {
    try {
      return copyOrThrow(src, dst, from, to, destUri, attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  private DiskCopy copyOrThrow(
      Connect src, Connect dst, String from, String to, String destUri, int attempt)
      throws LibvirtException, InterruptedException {
    ActivityExecutionContext context = Activity.getExecutionContext();
    StoragePool srcPool = StoragePools.ensure(src, StoragePools.dirOf(from));
    StorageVol srcVol = StoragePools.findVolume(srcPool, StoragePools.nameOf(from));
    if (srcVol == null) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "no disk " + from + " on " + connection.uri() + " to copy");
    }
    List<String> running = StoragePools.domainsUsing(src, from, true);
    if (!running.isEmpty()) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "disk " + from + " is in use by running domain " + running + ": stop it before copying");
    }
    StoragePool dstPool = StoragePools.ensure(dst, StoragePools.dirOf(to));
    refuseSameStorage(srcPool, dstPool, from, destUri);
    List<String> users = StoragePools.domainsUsing(dst, to, false);
    if (!users.isEmpty()) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "the destination's " + to + " is in use by domain " + users + ": not overwritten");
    }
    String destName = StoragePools.nameOf(to);
    if (deleteVolume(dstPool, destName)) {
      log.info("deleted the partial copy {} on {} left by an earlier attempt", to, destUri);
    }
    String srcXml = srcVol.getXMLDesc(0);
    String format = StoragePools.xpath(srcXml, "/volume/target/format/@type");
    long capacity = srcVol.getInfo().capacity;
    long total = parseLong(StoragePools.xpath(srcXml, "/volume/physical"), -1);
    StorageVol dstVol =
        dstPool.storageVolCreateXML(
            StoragePools.volumeXml(destName, capacity, format == null ? "raw" : format), 0);

    long started = System.nanoTime();
    long copied = 0;
    Stream in = null;
    Stream out = null;
    boolean done = false;
    try {
      in = src.streamNew(0);
      out = dst.streamNew(0);
      srcVol.download(in, 0, 0, 0);
      dstVol.upload(out, 0, 0, 0);
      byte[] buf = new byte[CHUNK];
      context.heartbeat(new long[] {0, total});
      while (true) {
        int n = in.receive(buf);
        if (n == 0) {
          break; // end of the volume
        }
        if (n < 0) {
          Thread.sleep(10); // -2: no data yet (a blocking stream should not say so)
          continue;
        }
        sendFully(out, buf, n);
        copied += n;
        context.heartbeat(new long[] {copied, total});
        pace(copied, started);
      }
      in.finish();
      out.finish();
      done = true;
    } finally {
      if (!done) {
        abortQuietly(in);
        abortQuietly(out);
        try {
          dstVol.delete(0);
          log.info("deleted the partial copy {} on {}", to, destUri);
        } catch (LibvirtException e) {
          log.warn("partial copy {} on {} not deleted: {}", to, destUri, e.getMessage());
        }
      }
      freeQuietly(in);
      freeQuietly(out);
    }
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    log.info(
        "copied {} to {} {}: {} bytes in {} ms (attempt {})",
        from,
        destUri,
        to,
        copied,
        millis,
        attempt);
    return new DiskCopy(to, copied, capacity, millis, attempt);
  }

  /**
   * Defense in depth behind the workflow's probe: a guard volume written next to the source disk
   * must not show up at the destination, or "copying" would delete the only disk.
   */
  private static void refuseSameStorage(
      StoragePool srcPool, StoragePool dstPool, String from, String destUri)
      throws LibvirtException {
    String guard = PROBE_PREFIX + "copy-" + UUID.randomUUID();
    srcPool.storageVolCreateXML(StoragePools.volumeXml(guard, 0, "raw"), 0);
    try {
      if (StoragePools.findVolume(dstPool, guard) != null) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "the destination "
                + destUri
                + " sees the same storage as "
                + from
                + ": a shared disk is never copied");
      }
    } finally {
      deleteVolume(srcPool, guard);
    }
  }

  private void pace(long copied, long startedNanos) throws InterruptedException {
    long rate = settings.copyMaxBytesPerSecond();
    if (rate <= 0) {
      return;
    }
    long dueNanos = (long) (copied * 1e9 / rate);
    long aheadNanos = dueNanos - (System.nanoTime() - startedNanos);
    if (aheadNanos > 0) {
      Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
    }
  }

  private static void sendFully(Stream out, byte[] buf, int n) throws LibvirtException {
    int off = 0;
    while (off < n) {
      byte[] chunk = off == 0 && n == buf.length ? buf : Arrays.copyOfRange(buf, off, n);
      int sent = out.send(chunk);
      if (sent < 0) {
        continue; // -2: the receiver is not ready yet
      }
      off += sent;
    }
  }

  /** Deletes the volume when it exists; true when it did. */
  private static boolean deleteVolume(StoragePool pool, String name) throws LibvirtException {
    StorageVol vol = StoragePools.findVolume(pool, name);
    if (vol == null) {
      return false;
    }
    try {
      vol.delete(0);
      return true;
    } catch (LibvirtException e) {
      StoragePools.refresh(pool); // deleted by another host (shared storage) meanwhile?
      if (findQuietly(pool, name) == null) {
        return true;
      }
      throw e;
    }
  }

  private static StorageVol findQuietly(StoragePool pool, String name) throws LibvirtException {
    return StoragePools.findVolume(pool, name);
  }

  private static void abortQuietly(Stream s) {
    if (s == null) {
      return;
    }
    try {
      s.abort();
    } catch (LibvirtException | RuntimeException e) {
      // the connection may be gone already
    }
  }

  private static void freeQuietly(Stream s) {
    if (s == null) {
      return;
    }
    try {
      s.free();
    } catch (LibvirtException | RuntimeException e) {
      // already freed with its connection
    }
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String requireDiskPath(String path) {
    if (path == null || path.isBlank() || !path.startsWith("/") || path.endsWith("/")) {
      throw reject(Reason.INVALID_ARGUMENT, "'" + path + "' is not an absolute disk path");
    }
    if (!Path.of(path).normalize().toString().equals(path)) {
      throw reject(Reason.INVALID_ARGUMENT, "disk path '" + path + "' is not normalized");
    }
    return path;
  }

  private static String requireImageName(String image) {
    try {
      return Names.requireValidName("image", image);
    } catch (FerryRejection e) {
      throw e.toFailure();
    }
  }

  private static String requireProbe(String path) {
    requireDiskPath(path);
    if (!StoragePools.nameOf(path).startsWith(PROBE_PREFIX)) {
      throw reject(
          Reason.INVALID_ARGUMENT, "probe '" + path + "' must be named " + PROBE_PREFIX + "...");
    }
    return path;
  }

  private static RuntimeException reject(Reason reason, String message) {
    return new FerryRejection(reason, message).toFailure();
  }

  /** The activity boundary: rejections and libvirt errors become the right failures. */
  private <T> T activity(String what, Body<T> body) {
    try {
      return body.run();
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (LibvirtException e) {
      throw LibvirtFailures.toFailure(what, connection.uri(), e);
    } catch (IllegalArgumentException e) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, what + ": " + e.getMessage()).toFailure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  @FunctionalInterface
  private interface Body<T> {
    T run() throws LibvirtException, InterruptedException;
  }
}
