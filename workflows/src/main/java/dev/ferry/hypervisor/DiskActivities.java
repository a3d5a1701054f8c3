package dev.ferry.hypervisor;

import dev.ferry.model.BaseImage;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.RootDisk;
import io.temporal.activity.ActivityInterface;

/**
 * An instance's disk on one host, through that host's libvirt storage pools (a directory pool per
 * instances directory, defined on first use). Runs only on {@code ferry-host-<name>}, by that
 * host's agent. Every method is idempotent. Disk bytes never travel through Temporal: {@link
 * #copyDisk} streams them between the two hosts' libvirt connections.
 */
@ActivityInterface(namePrefix = "Disk")
public interface DiskActivities {

  /** Prefix of the probe volumes that tell shared storage from host-local storage. */
  String PROBE_PREFIX = ".ferry-probe-";

  /**
   * Creates the root disk of a new instance: a qcow2 of {@code sizeMb} MiB named {@code
   * <instanceId>.qcow2} in this host's local (or shared) instances directory. Returns its path. An
   * existing disk of that name is kept (a retried create).
   */
  String createDisk(String instanceId, long sizeMb, boolean shared);

  /**
   * The base image {@code image} in this host's image store (a directory pool of base images,
   * Nova's {@code _base}): the volume named {@code image}, or {@code image} + {@code .qcow2},
   * {@code .img} or {@code .raw}. Null when this host does not have it.
   */
  BaseImage findImage(String image);

  /**
   * Creates the root disk of a new (or rebuilt) instance from the base image {@code image} of this
   * host's image store: a full, self-contained qcow2 copy named {@code <instanceId>.qcow2} in the
   * local (or shared) instances directory, of {@code sizeMb} MiB (0: the image's size; never less
   * than it). A volume already at that path (an earlier attempt's, or a leftover no domain uses) is
   * replaced, so the disk returned always holds the image; a domain using the path is a refusal.
   * UNKNOWN_IMAGE when the store has no such image. Heartbeats while the copy runs; a failed copy
   * deletes its partial volume.
   */
  RootDisk createDiskFromImage(String instanceId, String image, long sizeMb, boolean shared);

  /**
   * Nova's shared-storage test, first half: creates the empty probe volume {@code probePath} (its
   * name starts with {@link #PROBE_PREFIX}). Run on one host, then {@link #probeExists} on the
   * other.
   */
  void writeProbe(String probePath);

  /** Whether this host's storage shows the probe volume another host wrote. */
  boolean probeExists(String probePath);

  /** Removes the probe volume; nothing to do when it is gone. */
  void removeProbe(String probePath);

  /**
   * Streams the disk at {@code path} on this host (the source; its domain must be shut off) to
   * {@code destPath} on the host whose libvirt is at {@code destLibvirtUri}, through libvirt's
   * volume download and upload streams. A volume already at {@code destPath} (the partial copy of
   * an earlier attempt) is deleted first; refuses when the two paths are the same storage or when a
   * domain uses the destination path. Heartbeats the bytes copied; on failure or cancellation the
   * partial destination volume is deleted.
   */
  DiskCopy copyDisk(String path, String destLibvirtUri, String destPath);

  /**
   * Deletes the disk at {@code path}; false when there was none. Refuses (INVALID_STATE) while a
   * domain on this host uses it: look before you destroy.
   */
  boolean deleteDisk(String path);
}
