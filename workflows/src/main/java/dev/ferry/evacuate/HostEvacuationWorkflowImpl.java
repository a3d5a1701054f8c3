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

/** Evacuates every instance of a failed host (Nova's {@code nova host-evacuate}). */
public class HostEvacuationWorkflowImpl extends HostMovesRun implements HostEvacuationWorkflow {

  /** Nova evacuates ACTIVE, STOPPED and ERROR instances. */
  static final Set<VmState> EVACUABLE = EnumSet.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR);

  public HostEvacuationWorkflowImpl() {
    this(ConductorCalls.AWAIT_MOVES_HEARTBEAT);
  }

  /** For tests (a worker's implementation factory): a killed conductor's poll retries sooner. */
  HostEvacuationWorkflowImpl(Duration awaitHeartbeat) {
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
    return "host-evacuation";
  }

  @Override
  MoveType moveType() {
    return MoveType.EVACUATION;
  }

  @Override
  void checkHost(HostRecord host) {
    if (host.isAlive()) {
      throw new FerryRejection(
          Reason.HOST_IN_USE,
          "host "
              + host.name
              + " is UP and not forced down: evacuation is only for a failed host (Nova's"
              + " ComputeServiceInUse). If it has failed, force it down first ('ferry host set-down "
              + host.name
              + "'); to empty a running host, use 'ferry host drain "
              + host.name
              + "'");
    }
  }

  @Override
  String skipReason(InstanceBrief instance) {
    VmState state = instance.vmState();
    if (state == VmState.PAUSED || state == VmState.SUSPENDED) {
      return "server is "
          + state
          + ": a paused or suspended server is not evacuated (as Nova: only ACTIVE, STOPPED or"
          + " ERROR are evacuated): it is left on the failed host";
    }
    if (!EVACUABLE.contains(state)) {
      return "server is " + state + ": only ACTIVE, STOPPED or ERROR are evacuated";
    }
    return null;
  }
}
