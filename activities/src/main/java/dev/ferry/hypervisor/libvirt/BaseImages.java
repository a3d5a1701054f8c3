package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.BaseImage;
import io.temporal.activity.ActivityExecutionContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A host's image store (a directory pool of base images) and the disks cloned from its images. */
final class BaseImages {

  private static final Logger log = LoggerFactory.getLogger(BaseImages.class);

  /** How often a copy of a base image into a new disk tells Temporal it is alive. */
  static final long HEARTBEAT_EVERY_SECONDS = 5;

  /** The suffixes tried after the bare name when an image is looked up. */
  static final List<String> IMAGE_SUFFIXES = List.of("", ".qcow2", ".img", ".raw");

  private BaseImages() {}

  /** The volume of {@code image} in the store, or null. */
  static StorageVol find(StoragePool store, String image) throws LibvirtException {
    for (String suffix : IMAGE_SUFFIXES) {
      StorageVol vol = StoragePools.findVolume(store, image + suffix);
      if (vol != null) {
        return vol;
      }
    }
    return null;
  }

  static BaseImage describe(String image, StorageVol vol) throws LibvirtException {
    String format = StoragePools.xpath(vol.getXMLDesc(0), "/volume/target/format/@type");
    return new BaseImage(
        image, vol.getPath(), format == null ? "raw" : format, vol.getInfo().capacity);
  }

  /** Why {@code image} is not found: the store and what it has. */
  static String missing(String image, StoragePool store, String storeDir, String uri)
      throws LibvirtException {
    List<String> have = new ArrayList<>(List.of(store.listVolumes()));
    have.removeIf(v -> v.startsWith("."));
    Collections.sort(have);
    return "no base image "
        + image
        + " in the image store "
        + storeDir
        + " of "
        + uri
        + (have.isEmpty() ? " (it is empty)" : " (it has " + String.join(", ", have) + ")");
  }

  /**
   * Clones {@code source} into a new qcow2 volume of {@code capacityBytes}, heartbeating from
   * another thread while libvirt copies (the call blocks until the copy is done). The partial
   * volume goes on any failure.
   */
  static StorageVol cloneWithHeartbeats(
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
          StoragePools.deleteVolume(pool, name);
        } catch (LibvirtException e) {
          log.warn("partial disk {} not deleted: {}", name, e.getMessage());
        }
      }
    }
  }
}
