package dev.ferry.worker.agent;

import dev.ferry.hypervisor.libvirt.Domains;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.Names;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import java.util.Optional;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One report of a guest's real state: reads the domain through the agent's libvirt connection and
 * sends what it found to its instance ({@code InstanceWorkflow.observeGuest}). What became of it
 * tells {@link GuestWatch} whether to ask again.
 */
final class GuestReports {
  private static final Logger log = LoggerFactory.getLogger(GuestReports.class);

  /** What became of a report. */
  enum Verdict {
    /** The record took it. */
    APPLIED,
    /** A move holds the instance: asked again until the move closes. */
    DEFERRED,
    /** Nothing to report, or the record does not take it (unchanged, stale, not synced). */
    DROPPED,
    /** Could not be read or sent (libvirt or the conductor away): tried again later. */
    RETRY
  }

  /** Where reports go: the instance, a fake in tests. */
  interface Sender {
    /** Sends the report; returns what changed; throws the refusal or the transport failure. */
    String send(GuestObservation report);
  }

  private final String host;
  private final LibvirtConnection libvirt;
  private final Sender sender;

  GuestReports(String host, LibvirtConnection libvirt, Sender sender) {
    this.host = host;
    this.libvirt = libvirt;
    this.sender = sender;
  }

  /** Reports to instances through {@code client}. */
  static Sender through(WorkflowClient client) {
    return report ->
        client
            .newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(report.instanceId()))
            .observeGuest(report);
  }

  /**
   * Reads the domain {@code uuid} and reports it; {@code cause} and {@code sinceNanos} (when what
   * asked for the report happened) are for the log.
   */
  Verdict report(String uuid, String cause, long sinceNanos) {
    Optional<GuestObservation> found;
    try {
      found = libvirt.read(c -> Domains.observe(c, host, uuid));
    } catch (Exception e) {
      log.debug("cannot read domain {} for its report: {}", uuid, e.toString());
      return Verdict.RETRY;
    }
    if (found.isEmpty()) {
      log.debug("domain {} has no Ferry tag: not reported", uuid);
      return Verdict.DROPPED;
    }
    GuestObservation report = found.get();
    try {
      String change = sender.send(report);
      log.info(
          "instance {}: {} ({}; applied {} ms after it)",
          report.instanceId(),
          change,
          cause,
          (System.nanoTime() - sinceNanos) / 1_000_000);
      return Verdict.APPLIED;
    } catch (RuntimeException e) {
      Verdict verdict = verdict(e);
      log.debug("report {} on {}: {} ({})", report, host, verdict, e.getMessage());
      return verdict;
    }
  }

  /** The UUIDs of every domain on the host. */
  List<String> domainUuids() throws LibvirtException {
    return libvirt.read(Domains::uuids);
  }

  /** What a failed send means for the report. */
  static Verdict verdict(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof WorkflowNotFoundException) {
        return Verdict.DROPPED; // not an instance (any more)
      }
    }
    return FerryRejection.from(failure)
        .map(r -> r.reason() == FerryRejection.Reason.INSTANCE_BUSY ? Verdict.DEFERRED : drop(r))
        .orElse(Verdict.RETRY);
  }

  private static Verdict drop(FerryRejection refusal) {
    switch (refusal.reason()) {
      case NO_CHANGE, STALE_REPORT, INVALID_STATE -> {}
      default -> log.warn("guest report refused: {} {}", refusal.reason(), refusal.getMessage());
    }
    return Verdict.DROPPED;
  }
}
