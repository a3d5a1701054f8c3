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

  /**
   * How often the wait looks whether the guest has shut down and heartbeats: a cancel arrives in a
   * heartbeat's answer, and must end the wait within 2 s.
   */
  static final Duration POLL = Duration.ofMillis(250);

  /** Asks a guest to shut down: libvirt's ACPI request, a guest that ignores it in tests. */
  @FunctionalInterface
  interface Request {
    void send(Domain domain) throws LibvirtException;
  }

  /** libvirt's ACPI shutdown request (virDomainShutdown). */
  static final Request ACPI = Domain::shutdown;

  /** What asking for the shutdown found. */
  private enum Start {
    ALREADY_OFF,
    ACPI_REQUESTED,
    DESTROY_NOW
  }

  /**
   * The answer of {@link #start}: what it found, and (when it asked for ACPI) the guest's readiness
   * for it, read before asking (a guest agent disconnects once its OS shuts down).
   */
  private record Started(Start start, ShutdownReadiness readiness) {}

  private GracefulShutdown() {}

  /**
   * Asks the guest to shut down and waits for it where that can help; true when it still runs (and
   * is to be destroyed), false when it is off.
   *
   * @param startedAgo how long ago this agent booted the guest; null when it did not
   */
  static boolean shutDown(
      LibvirtConnection connection,
      String uuid,
      int gracefulSeconds,
      Duration startedAgo,
      Request request)
      throws LibvirtException, InterruptedException {
    Started started =
        connection.call(
            c ->
                start(
                    Domains.require(c, uuid, connection.uri()),
                    gracefulSeconds,
                    startedAgo,
                    request));
    if (started.start() != Start.ACPI_REQUESTED) {
      return started.start() == Start.DESTROY_NOW;
    }
    log.info(
        "powerOff {}: waiting up to {} s for the guest to shut down (ACPI); {}",
        uuid,
        gracefulSeconds,
        started.readiness().why());
    boolean running = awaitOff(connection, uuid, gracefulSeconds, started.readiness());
    if (running) {
      log.info(
          "powerOff {}: the guest did not shut down in {} s: powering it off",
          uuid,
          gracefulSeconds);
    }
    return running;
  }

  /**
   * Asks for an ACPI shutdown when one can help: a paused guest cannot hear it, and {@code
   * gracefulSeconds <= 0} asks for none.
   *
   * @param startedAgo how long ago this agent booted the guest; null when it did not
   */
  private static Started start(
      Domain domain, int gracefulSeconds, Duration startedAgo, Request request)
      throws LibvirtException {
    if (domain.isActive() != 1) {
      return new Started(Start.ALREADY_OFF, null);
    }
    if (gracefulSeconds <= 0 || domain.getInfo().state == DomainState.VIR_DOMAIN_PAUSED) {
      return new Started(Start.DESTROY_NOW, null);
    }
    ShutdownReadiness readiness = ShutdownReadiness.read(domain, startedAgo);
    try {
      request.send(domain);
    } catch (LibvirtException e) {
      if (!Domains.isActive(domain)) {
        return new Started(Start.ALREADY_OFF, null); // stopped meanwhile
      }
      log.info("ACPI shutdown of {} refused: {}", domain.getName(), e.getMessage());
      return new Started(Start.DESTROY_NOW, null);
    }
    return new Started(Start.ACPI_REQUESTED, readiness);
  }

  /**
   * Polls until the guest is off or {@code gracefulSeconds} pass, heartbeating the wait as {@link
   * dev.ferry.model.ShutdownWait}; true when it still runs. A cancel thrown by the heartbeat ends
   * the wait.
   */
  private static boolean awaitOff(
      LibvirtConnection connection, String uuid, int gracefulSeconds, ShutdownReadiness readiness)
      throws LibvirtException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(gracefulSeconds).toNanos();
    while (true) {
      if (!connection.read(c -> Domains.isActive(Domains.find(c, uuid)))) {
        return false;
      }
      if (System.nanoTime() >= deadline) {
        return true;
      }
      Thread.sleep(POLL.toMillis());
      long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
      Activity.getExecutionContext().heartbeat(readiness.heartbeat(waited, gracefulSeconds));
    }
  }
}
