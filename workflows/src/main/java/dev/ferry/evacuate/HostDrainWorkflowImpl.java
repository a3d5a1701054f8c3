package dev.ferry.evacuate;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.VmState;
import dev.ferry.move.ConductorCalls;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Live-migrates everything off an UP host, disabled for placement first (Nova's {@code
 * host-evacuate-live}, done server-side). Instances that cannot live-migrate are skipped, saying
 * what to do instead.
 */
public class HostDrainWorkflowImpl extends HostMovesRun implements HostDrainWorkflow {

  static final Set<VmState> LIVE_MIGRATABLE = EnumSet.of(VmState.ACTIVE, VmState.PAUSED);

  public HostDrainWorkflowImpl() {
    this(ConductorCalls.AWAIT_MOVES_HEARTBEAT);
  }

  /** For tests (a worker's implementation factory): a killed conductor's poll retries sooner. */
  HostDrainWorkflowImpl(Duration awaitHeartbeat) {
    super(awaitHeartbeat);
  }

  @Override
  public HostMovesView run(HostMovesInput input) {
    return execute(input);
  }

  @Override
  public HostMovesView progress() {
    return view();
  }

  @Override
  String kind() {
    return "host-drain";
  }

  @Override
  MoveType moveType() {
    return MoveType.LIVE_MIGRATION;
  }

  @Override
  void checkHost(HostRecord host) {
    if (!host.isAlive()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host "
              + host.name
              + " is "
              + (host.forcedDown ? "forced down" : "DOWN")
              + ": live migration needs its agent; if it has failed, evacuate it ('ferry host"
              + " evacuate "
              + host.name
              + "')");
    }
  }

  /** Disabled first, so placement sends nothing new there while it empties. */
  @Override
  void beforeMoves() {
    call(() -> moves().disableHost(input.host(), "drained by " + requester()));
  }

  @Override
  String skipReason(InstanceBrief instance) {
    if (!LIVE_MIGRATABLE.contains(instance.vmState())) {
      return "server is "
          + instance.vmState()
          + ": live migration moves ACTIVE or PAUSED servers; cold-migrate it with 'ferry"
          + " migrate "
          + instance.name()
          + "'";
    }
    return null;
  }
}
