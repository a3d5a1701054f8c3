package dev.ferry.live;

import dev.ferry.instance.ServerRefusals;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.GuestState;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.VmState;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * QUEUED: Nova's pre-checks (typed refusals: instance, source, destination, hypervisor, storage)
 * and the candidate loop: claim a destination, check it, and on a refusal release the claim and try
 * the next one (unless the operator named the host). Nothing is touched on a host.
 */
final class LivePreChecks {

  private static final Logger log = Workflow.getLogger(LivePreChecks.class);

  /** The change that reads the guest's state at the source instead of trusting the record's. */
  static final String GUEST_STATE_CHANGE = "live-guest-state";

  private final LiveRun run;
  private final HostCalls hosts;
  private final ClusterDefaults clusterDefaults;
  private final DestinationClaim claim;
  private final LiveReporting reporting;

  LivePreChecks(
      LiveRun run,
      HostCalls hosts,
      ClusterDefaults clusterDefaults,
      DestinationClaim claim,
      LiveReporting reporting) {
    this.run = run;
    this.hosts = hosts;
    this.clusterDefaults = clusterDefaults;
    this.claim = claim;
    this.reporting = reporting;
  }

  /** A host that stops answering during the checks is a refusal: nothing was touched yet. */
  void run() {
    try {
      checkAll();
    } catch (HostUnreachableException e) {
      throw reject(Reason.HOST_UNAVAILABLE, e.getMessage());
    }
  }

  private void checkAll() {
    run.options = clusterDefaults.resolve(run.options);
    String invalid = run.options.invalidReason();
    if (invalid != null) {
      throw reject(Reason.INVALID_ARGUMENT, invalid);
    }
    InstanceRecord record = run.record;
    if (record.vmState != VmState.ACTIVE && record.vmState != VmState.PAUSED) {
      String wayOut = ServerRefusals.wayOutForMove(record, MoveType.LIVE_MIGRATION);
      throw reject(
          Reason.INVALID_STATE,
          "server "
              + record.name
              + " is "
              + record.vmState
              + ": only an ACTIVE or PAUSED server can be live-migrated"
              + (wayOut == null ? "" : "; " + wayOut));
    }
    if (record.flavor == null) {
      throw reject(Reason.INVALID_STATE, ServerRefusals.noFlavor(record));
    }
    String source = run.source;
    HostRecord src = hostRecord(source, "source");
    if (!src.isAlive()) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "source host "
              + source
              + " of "
              + record.name
              + " is down"
              + (src.forcedDown ? " (forced down)" : "")
              + ": live migration needs its agent; evacuate the server instead ('ferry evacuate "
              + record.name
              + "')");
    }
    String wanted = run.request.destHost();
    if (wanted != null) {
      if (wanted.equals(source)) {
        throw reject(
            Reason.SAME_HOST,
            "server "
                + record.name
                + " is already on host "
                + source
                + ": pick another host or omit --host");
      }
      HostRecord d = hostRecord(wanted, "destination");
      refuseUnusable(d);
    }
    run.facts = hosts.live(source, "inspect the guest", a -> a.inspectSource(record.id));
    if (run.facts.jobActive()) {
      throw reject(
          Reason.INSTANCE_BUSY,
          "a libvirt job already runs on " + record.name + " on " + source + ": wait for it");
    }
    followTheGuest();
    chooseDestination(src);
  }

  /**
   * The guest as the source's libvirt sees it decides, not the record: running, it is migrated
   * live; paused, it stays paused at the destination (VIR_MIGRATE_PAUSED) and is never resumed by a
   * rollback; anything else (suspended, crashed) is refused as Nova refuses a server that is not
   * ACTIVE or PAUSED.
   */
  private void followTheGuest() {
    if (Workflow.getVersion(GUEST_STATE_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return; // a history from before: the record's vm state said whether the guest ran
    }
    GuestState guest = GuestState.of(true, run.facts.powerState());
    run.guest = guest;
    run.powerSeen.put(run.source, run.facts.powerState());
    if (guest != GuestState.RUNNING && guest != GuestState.PAUSED) {
      throw reject(
          Reason.INVALID_STATE,
          "server "
              + run.record.name
              + " is "
              + guest
              + " on "
              + run.source
              + ": only a RUNNING or PAUSED guest can be live-migrated");
    }
    run.wasRunning = guest == GuestState.RUNNING;
  }

  /** Claims a destination and checks it; without a named host, the next candidate on refusal. */
  private void chooseDestination(HostRecord src) {
    List<String> excluded = new ArrayList<>(List.of(run.source));
    int maxRetries = run.options.maxRetries();
    for (int attempt = 0; ; attempt++) {
      if (run.abortRequested()) {
        throw new AbortedException();
      }
      String candidate = claim.claim(excluded);
      try {
        try {
          checkCandidate(src, candidate);
        } catch (HostUnreachableException e) {
          if (e.host().equals(run.source)) {
            throw e;
          }
          throw reject(Reason.HOST_UNAVAILABLE, e.getMessage());
        }
        run.dest = candidate;
        return;
      } catch (FerryRejection r) {
        claim.release();
        if (run.request.destHost() != null) {
          throw r;
        }
        run.candidatesRefused.add(candidate + ": " + r.getMessage());
        excluded.add(candidate);
        reporting.announce();
        if (attempt >= maxRetries) {
          throw reject(
              Reason.NO_VALID_HOST,
              "no valid host found for "
                  + run.record.name
                  + " after "
                  + (attempt + 1)
                  + " candidate(s) (max retries "
                  + maxRetries
                  + "): "
                  + String.join("; ", run.candidatesRefused));
        }
      }
    }
  }

  /** Nova's checks of one candidate, on the conductor and on both hosts. */
  private void checkCandidate(HostRecord src, String candidate) {
    HostRecord d = hostRecord(candidate, "destination");
    refuseUnusable(d);
    if (src.hypervisorType != null
        && d.hypervisorType != null
        && !src.hypervisorType.equals(d.hypervisorType)) {
      throw reject(
          Reason.HYPERVISOR_INCOMPATIBLE,
          "destination "
              + candidate
              + " runs "
              + d.hypervisorType
              + ", the source "
              + run.source
              + " runs "
              + src.hypervisorType);
    }
    if (d.hypervisorVersion > 0 && d.hypervisorVersion < src.hypervisorVersion) {
      throw reject(
          Reason.HYPERVISOR_INCOMPATIBLE,
          "destination "
              + candidate
              + "'s hypervisor version "
              + d.hypervisorVersion
              + " is older than the source's "
              + src.hypervisorVersion);
    }
    List<String> dirs = run.diskDirs();
    DestinationFacts df =
        hosts.live(
            candidate,
            "check the destination",
            a ->
                a.checkDestination(
                    new DestinationCheck(run.moveId(), run.record.id, run.facts, dirs)));
    List<String> seen;
    try {
      seen =
          df.probePaths().isEmpty()
              ? List.of()
              : hosts.live(
                  run.source, "look for the probe files", a -> a.probesSeen(df.probePaths()));
    } finally {
      removeProbesQuietly(candidate, df.probePaths());
    }
    StorageDecision.decide(run, candidate, dirs, df, seen);
    run.destUri =
        d.migrationUri != null && !d.migrationUri.isBlank()
            ? d.migrationUri
            : "qemu+tcp://" + candidate + "/system";
  }

  private void refuseUnusable(HostRecord d) {
    if (!d.isAlive()) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + d.name
              + " is down"
              + (d.forcedDown ? " (forced down)" : "")
              + ": pick another host");
    }
    if (!d.enabled) {
      throw reject(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + d.name
              + " is disabled"
              + (d.disabledReason != null ? " (" + d.disabledReason + ")" : "")
              + ": pick another host");
    }
  }

  private HostRecord hostRecord(String host, String role) {
    try {
      return ConductorCalls.summarized("read host " + host + "'s record").hostRecords().get(host);
    } catch (ActivityFailure f) {
      FerryRejection r = FerryRejection.from(f).orElse(null);
      if (r != null && r.reason() == Reason.UNKNOWN_HOST) {
        throw reject(Reason.UNKNOWN_HOST, "unknown " + role + " host '" + host + "'");
      }
      throw new MoveStepException("read host " + host + " failed: " + ActivityFailures.message(f));
    }
  }

  private void removeProbesQuietly(String host, List<String> probes) {
    if (probes.isEmpty()) {
      return;
    }
    try {
      hosts.liveDo(host, "remove the probe files", a -> a.removeProbes(probes));
    } catch (FerryRejection | MoveStepException e) {
      log.warn("probe files left on {}: {}", host, e.getMessage());
    }
  }

  private static FerryRejection reject(Reason reason, String message) {
    return new FerryRejection(reason, message);
  }
}
