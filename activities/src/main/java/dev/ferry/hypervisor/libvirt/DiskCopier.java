package dev.ferry.hypervisor.libvirt;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-host disk copy, run on the source host's agent: it opens a client connection to the
 * destination's libvirt and pipes {@code virStorageVolDownload} into {@code virStorageVolUpload},
 * chunk by chunk, without a staging file and without the bytes ever leaving the two libvirt
 * connections and this process. Heartbeats {@link CopyProgress}; a failed or cancelled copy deletes
 * its partial destination volume.
 */
final class DiskCopier {

  private static final Logger log = LoggerFactory.getLogger(DiskCopier.class);

  static final int CHUNK = 1 << 20;

  private final LibvirtConnection source;
  private final Function<String, LibvirtConnection> peers;
  private final long maxBytesPerSecond;

  /**
   * @param peers opens a client connection to another host's libvirt
   * @param maxBytesPerSecond cap on the copy's rate; 0 = none
   */
  DiskCopier(
      LibvirtConnection source, Function<String, LibvirtConnection> peers, long maxBytesPerSecond) {
    this.source = source;
    this.peers = peers;
    this.maxBytesPerSecond = maxBytesPerSecond;
  }

  /** A plain connection for one copy: opened with a timeout, never re-opened, closed after. */
  static LibvirtConnection openPeer(String uri) {
    return new LibvirtConnection(uri, false, LibvirtConnection.Options.DEFAULTS, Connect::new);
  }

  /** Copies {@code from} on this host to {@code to} on the host whose libvirt is at destUri. */
  DiskCopy copy(String from, String destUri, String to, int attempt)
      throws LibvirtException, InterruptedException {
    LibvirtConnection peer;
    try {
      peer = peers.apply(destUri);
    } catch (LibvirtUnavailableException e) {
      throw new LibvirtUnavailableException(
          "cannot open the destination's libvirt for the disk copy: " + e.getMessage(), e);
    }
    try {
      return source.call(src -> peer.call(dst -> copy(src, dst, from, to, destUri, attempt)));
    } finally {
      peer.close();
    }
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
          Reason.INVALID_STATE, "no disk " + from + " on " + source.uri() + " to copy");
    }
    List<String> running = StoragePools.domainsUsing(src, from, true);
    if (!running.isEmpty()) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "disk " + from + " is in use by running domain " + running + ": stop it before copying");
    }
    StoragePool dstPool = StoragePools.ensure(dst, StoragePools.dirOf(to));
    refuseSameStorage(src, dst, from, to, destUri);
    List<String> users = StoragePools.domainsUsing(dst, to, false);
    if (!users.isEmpty()) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "the destination's " + to + " is in use by domain " + users + ": not overwritten");
    }
    String destName = StoragePools.nameOf(to);
    if (StoragePools.deleteVolume(dstPool, destName)) {
      log.info("deleted the partial copy {} on {} left by an earlier attempt", to, destUri);
    }
    String srcXml = srcVol.getXMLDesc(0);
    String format = StoragePools.xpath(srcXml, "/volume/target/format/@type");
    long capacity = srcVol.getInfo().capacity;
    long total = parseLong(StoragePools.xpath(srcXml, "/volume/physical"), -1);
    StorageVol dstVol =
        StoragePools.createVolume(dstPool, destName, capacity, format == null ? "raw" : format);

    long started = System.nanoTime();
    long copied =
        pump(new VolumeStreams(src, dst, srcVol, dstVol, to, destUri), total, started, context);
    long millis = millisSince(started);
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

  /** The two ends of a copy as {@link #pump} drives them: libvirt's volume streams in a copy. */
  interface Ends {
    /** Opens both streams. */
    void open() throws LibvirtException;

    /** Reads the next bytes into {@code buf}: their count, 0 at the end, negative when none yet. */
    int receive(byte[] buf) throws LibvirtException;

    /** Writes {@code chunk}: the count taken, negative when the receiver is not ready yet. */
    int send(byte[] chunk) throws LibvirtException;

    /** Completes both streams once the source's end is reached. */
    void finish() throws LibvirtException;

    /** A copy that did not complete (failed or cancelled): aborts it and deletes the partial. */
    void discard();

    /** Releases the streams, after either end. */
    void free();
  }

  /**
   * Streams every byte from {@code ends}' source to its destination, heartbeating {@link
   * CopyProgress} before the first chunk and after each: the SDK throttles what it sends, and a
   * cancel arrives only in a heartbeat's answer, so the loop must keep calling it. A copy that does
   * not complete (a failure, a cancel thrown by the heartbeat) is discarded.
   *
   * @return the bytes copied
   */
  long pump(Ends ends, long total, long startedNanos, ActivityExecutionContext context)
      throws LibvirtException, InterruptedException {
    long copied = 0;
    boolean done = false;
    try {
      ends.open();
      byte[] buf = new byte[CHUNK];
      context.heartbeat(new CopyProgress(0, total, millisSince(startedNanos)));
      while (true) {
        int n = ends.receive(buf);
        if (n == 0) {
          break; // end of the volume
        }
        if (n < 0) {
          Thread.sleep(10); // -2: no data yet (a blocking stream should not say so)
          continue;
        }
        sendFully(ends, buf, n);
        copied += n;
        context.heartbeat(new CopyProgress(copied, total, millisSince(startedNanos)));
        pace(copied, startedNanos);
      }
      ends.finish();
      done = true;
      return copied;
    } finally {
      if (!done) {
        ends.discard();
      }
      ends.free();
    }
  }

  private static long millisSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  /**
   * Defense in depth behind the workflow's probe: a guard probe written next to the source disk
   * must not show up at the destination, or "copying" would delete the only disk.
   */
  private static void refuseSameStorage(
      Connect src, Connect dst, String from, String to, String destUri) throws LibvirtException {
    String guard = DiskActivities.PROBE_PREFIX + "copy-" + UUID.randomUUID();
    String written = StoragePools.dirOf(from) + "/" + guard;
    SharedStorageProbe.write(src, written);
    try {
      if (SharedStorageProbe.exists(dst, StoragePools.dirOf(to) + "/" + guard)) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "the destination "
                + destUri
                + " sees the same storage as "
                + from
                + ": a shared disk is never copied");
      }
    } finally {
      SharedStorageProbe.remove(src, written);
    }
  }

  private void pace(long copied, long startedNanos) throws InterruptedException {
    if (maxBytesPerSecond <= 0) {
      return;
    }
    long dueNanos = (long) (copied * 1e9 / maxBytesPerSecond);
    long aheadNanos = dueNanos - (System.nanoTime() - startedNanos);
    if (aheadNanos > 0) {
      Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
    }
  }

  private static void sendFully(Ends out, byte[] buf, int n) throws LibvirtException {
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

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
