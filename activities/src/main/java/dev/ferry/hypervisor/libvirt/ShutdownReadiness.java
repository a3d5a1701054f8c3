package dev.ferry.hypervisor.libvirt;

import dev.ferry.model.ShutdownWait;
import dev.ferry.model.ShutdownWait.GuestReadiness;
import java.time.Duration;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What libvirt can tell of a guest's readiness to act on an ACPI shutdown, found once before a
 * graceful power-off asks for it: a connected qemu guest agent means its OS is up; else a guest
 * this agent booted moments ago, or whose guest agent has not connected, is still booting; else
 * nobody can tell.
 *
 * @param guest the readiness the power-off's heartbeats carry
 * @param startedAgo how long before the shutdown was asked this agent booted the guest; null when
 *     it did not (or forgot)
 * @param why the readiness in words, for the log
 */
record ShutdownReadiness(GuestReadiness guest, Duration startedAgo, String why) {

  private static final Logger log = LoggerFactory.getLogger(ShutdownReadiness.class);

  /**
   * A guest this agent booted less than this ago is taken to be booting: a TCG guest on a loaded
   * host takes tens of seconds before its OS listens to ACPI.
   */
  static final Duration STILL_BOOTING = Duration.ofSeconds(60);

  /** The virtio channel name of the qemu guest agent, whose state libvirt reports. */
  static final String GUEST_AGENT_CHANNEL = "org.qemu.guest_agent.0";

  /** Reads the guest's live XML (once); XML libvirt does not give tells nothing. */
  static ShutdownReadiness read(Domain domain, Duration startedAgo) {
    String liveXml = null;
    try {
      liveXml = domain.getXMLDesc(0);
    } catch (LibvirtException e) {
      log.debug("no live XML to tell the guest's readiness: {}", e.getMessage());
    }
    return of(startedAgo, liveXml);
  }

  /**
   * The readiness from this agent's start of the guest and the guest's live XML (or null). A
   * connected guest agent is the surest sign: the OS runs, however recent its start.
   */
  static ShutdownReadiness of(Duration startedAgo, String liveXml) {
    String agent = guestAgentState(liveXml);
    if ("connected".equals(agent)) {
      return new ShutdownReadiness(
          GuestReadiness.IGNORING_ACPI,
          startedAgo,
          "its OS is up (its guest agent is connected) but may ignore ACPI");
    }
    if (startedAgo != null && startedAgo.compareTo(STILL_BOOTING) < 0) {
      return new ShutdownReadiness(
          GuestReadiness.BOOTING,
          startedAgo,
          "it may still be booting (started " + startedAgo.toSeconds() + " s ago)");
    }
    if ("disconnected".equals(agent)) {
      return new ShutdownReadiness(
          GuestReadiness.BOOTING,
          startedAgo,
          "its OS seems not up yet (its guest agent has not connected)");
    }
    return new ShutdownReadiness(
        GuestReadiness.UNKNOWN, startedAgo, "libvirt cannot tell whether its OS is up");
  }

  /**
   * The state libvirt reports of the guest agent's channel in live domain XML: {@code connected},
   * {@code disconnected}, or null when there is no such channel (or no state, or no XML).
   */
  static String guestAgentState(String liveXml) {
    if (liveXml == null) {
      return null;
    }
    try {
      return StoragePools.xpath(
          liveXml,
          "/domain/devices/channel/target[@type='virtio' and @name='"
              + GUEST_AGENT_CHANNEL
              + "']/@state");
    } catch (IllegalArgumentException e) {
      return null; // unreadable: it tells nothing
    }
  }

  /** The heartbeat {@code waitedMillis} into the wait for a guest given {@code gracefulSeconds}. */
  ShutdownWait heartbeat(long waitedMillis, int gracefulSeconds) {
    Long started = startedAgo == null ? null : startedAgo.plusMillis(waitedMillis).toSeconds();
    return new ShutdownWait(waitedMillis, gracefulSeconds, guest, started);
  }
}
