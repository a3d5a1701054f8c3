package dev.ferry.hypervisor.libvirt;

import io.temporal.activity.Activity;
import java.time.Duration;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The graceful part of a power-off: an ACPI shutdown where one can help, and the wait for it. */
final class GracefulShutdown {

  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

  /** How often the wait looks whether the guest has shut down (and heartbeats). */
  static final Duration POLL = Duration.ofMillis(250);

  /** What asking for the shutdown found. */
  enum Start {
    ALREADY_OFF,
    ACPI_REQUESTED,
    DESTROY_NOW
  }

  private GracefulShutdown() {}

  /**
   * Asks for an ACPI shutdown when one can help: a paused guest cannot hear it, and {@code
   * gracefulSeconds <= 0} asks for none.
   */
  static Start start(Domain domain, int gracefulSeconds) throws LibvirtException {
    if (domain.isActive() != 1) {
      return Start.ALREADY_OFF;
    }
    if (gracefulSeconds <= 0 || domain.getInfo().state == DomainState.VIR_DOMAIN_PAUSED) {
      return Start.DESTROY_NOW;
    }
    try {
      domain.shutdown();
    } catch (LibvirtException e) {
      if (!Domains.isActive(domain)) {
        return Start.ALREADY_OFF; // stopped meanwhile
      }
      log.info("ACPI shutdown of {} refused: {}", domain.getName(), e.getMessage());
      return Start.DESTROY_NOW;
    }
    return Start.ACPI_REQUESTED;
  }

  /**
   * Polls until the guest is off or {@code gracefulSeconds} pass, heartbeating; true when it still
   * runs.
   */
  static boolean awaitOff(LibvirtConnection connection, String uuid, int gracefulSeconds)
      throws LibvirtException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(gracefulSeconds).toNanos();
    while (true) {
      if (!connection.call(c -> Domains.isActive(Domains.find(c, uuid)))) {
        return false;
      }
      if (System.nanoTime() >= deadline) {
        return true;
      }
      Thread.sleep(POLL.toMillis());
      Activity.getExecutionContext()
          .heartbeat(
              "waiting for ACPI shutdown: "
                  + Duration.ofNanos(System.nanoTime() - start).toMillis()
                  + " ms of "
                  + gracefulSeconds
                  + " s");
    }
  }
}
