package dev.ferry.entities.client;

import dev.ferry.evacuate.HostMovesActivities;
import dev.ferry.evacuate.InstanceBrief;
import dev.ferry.evacuate.MoveRef;
import dev.ferry.evacuate.MoveState;
import dev.ferry.evacuate.MoveStates;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.VmState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A host evacuation / drain's calls into placement, instances and hosts. */
public class HostMovesActivitiesImpl implements HostMovesActivities {

  /** How often the long poll reads the instance records (and heartbeats). */
  static final Duration POLL = Duration.ofSeconds(1);

  private final WorkflowClient client;

  public HostMovesActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Every instance in placement's index whose RECORD says it lives on the host (the record is the
   * truth; a claim may lag behind it). One query per instance: a rare, operator-driven call.
   */
  @Override
  public List<InstanceBrief> instancesOn(String host) {
    PlacementView view =
        EntityCalls.call(
            () ->
                client
                    .newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
                    .view());
    Map<String, String> index = view.instances() == null ? Map.of() : view.instances();
    List<InstanceBrief> out = new ArrayList<>();
    for (String id : index.keySet()) {
      InstanceRecord r = record(id);
      if (r != null && host.equals(r.host) && r.vmState != VmState.DELETED) {
        out.add(
            new InstanceBrief(r.id, r.name, r.host, r.vmState, r.currentMoveId, r.currentMoveType));
      }
    }
    out.sort(Comparator.comparing(InstanceBrief::name).thenComparing(InstanceBrief::id));
    return out;
  }

  @Override
  public String startMove(MoveRequest request) {
    try {
      return EntityCalls.call(() -> instance(request.instanceId()).startMove(request));
    } catch (WorkflowNotFoundException e) {
      throw new FerryRejection(
              FerryRejection.Reason.UNKNOWN_INSTANCE, "no server " + request.instanceId())
          .toFailure();
    }
  }

  @Override
  public List<MoveState> awaitMoves(List<MoveRef> moves, int maxWaitSeconds) {
    long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(1, maxWaitSeconds)).toNanos();
    while (true) {
      List<MoveState> states = new ArrayList<>();
      for (MoveRef ref : moves) {
        states.add(MoveStates.of(ref, record(ref.instanceId())));
      }
      if (states.stream().anyMatch(MoveState::closed) || System.nanoTime() >= deadline) {
        return states;
      }
      Activity.getExecutionContext().heartbeat(null); // throws when cancelled or shutting down
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }
  }

  @Override
  public HostRecord disableHost(String host, String reason) {
    try {
      return EntityCalls.call(
          () ->
              client
                  .newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(host))
                  .setEnabled(false, reason));
    } catch (WorkflowNotFoundException e) {
      throw new FerryRejection(FerryRejection.Reason.UNKNOWN_HOST, "unknown host '" + host + "'")
          .toFailure();
    }
  }

  private InstanceWorkflow instance(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  /** The instance's record; null when its workflow does not exist. */
  private InstanceRecord record(String id) {
    try {
      return instance(id).get();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }
}
