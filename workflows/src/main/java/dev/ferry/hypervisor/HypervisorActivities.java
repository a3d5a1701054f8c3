package dev.ferry.hypervisor;

import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.HostFacts;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Calls into one host's libvirt. Runs only on {@code ferry-host-<name>}, by that host's agent.
 * Every method is idempotent: a retry after a lost result finds the work done and says so. Domains
 * are identified by their UUID, which is the instance id (as Nova).
 */
@ActivityInterface(namePrefix = "Hypervisor")
public interface HypervisorActivities {

  HostFacts hostFacts();

  /**
   * Whether this host can run the CPU {@code domainXml} asks for (libvirt's comparison): identical,
   * superset or not compared. Fails non-retryably with FerryRejection.HYPERVISOR_INCOMPATIBLE when
   * libvirt says incompatible. Reads only.
   */
  String checkGuestCpu(String domainXml);

  /** The domain with this UUID on this host, or {@link DomainView#absent}. */
  DomainView inspect(String instanceId);

  /** Every domain on this host. */
  List<DomainView> listDomains();

  /**
   * Defines the domain (tagged with Ferry's owner tag and the epoch, no autostart), replacing an
   * existing definition with the same UUID. Does not start it.
   */
  DomainView define(DomainSpec spec);

  /** Starts the domain; nothing to do when it already runs. */
  DomainView powerOn(String instanceId);

  /**
   * ACPI shutdown, waiting up to {@code gracefulSeconds} (heartbeating), then destroy. Nothing to
   * do when already off.
   */
  DomainView powerOff(String instanceId, int gracefulSeconds);

  /** Pauses the running guest (libvirt's suspend, Nova's pause); nothing to do when paused. */
  DomainView pause(String instanceId);

  /**
   * Saves the guest's memory to the host's managed-save image and stops it (Nova's suspend); {@link
   * #powerOn} resumes it from the image. Nothing to do when it is saved already.
   */
  DomainView managedSave(String instanceId);

  /**
   * Destroys and undefines the domain if it exists and carries an epoch at most {@code epochAtMost}
   * (use Long.MAX_VALUE for any). Returns what it found before removing.
   */
  DomainView remove(String instanceId, long epochAtMost);

  /**
   * Tags an existing domain that Ferry did not define with Ferry's owner tag: its UUID becomes the
   * instance id, epoch 0. Fails non-retryably when no domain has that name.
   */
  DomainView adopt(String domainName);
}
