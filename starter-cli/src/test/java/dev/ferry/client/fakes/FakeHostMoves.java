package dev.ferry.client.fakes;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.evacuate.HostMovesActivities;
import dev.ferry.evacuate.InstanceBrief;
import dev.ferry.evacuate.MoveRef;
import dev.ferry.evacuate.MoveState;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * TEST ONLY: the conductor activities a real host evacuation or drain calls ({@link
 * HostMovesActivities}, {@link HostRecordActivities#get}), answered from the fake entities through
 * a client, so the real {@code HostDrainWorkflowImpl} and {@code HostEvacuationWorkflowImpl} run
 * against them.
 */
public class FakeHostMoves implements HostMovesActivities, HostRecordActivities {
  private static final Set<String> SUCCEEDED = Set.of("completed", "done", "confirmed");

  private final WorkflowClient client;

  public FakeHostMoves(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public HostRecord get(String host) {
    return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(host)).get();
  }

  @Override
  public List<InstanceBrief> instancesOn(String host) {
    List<InstanceBrief> out = new ArrayList<>();
    PlacementWorkflow placement =
        client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
    for (String id : placement.view().instances().keySet()) {
      InstanceRecord r = instance(id);
      if (host.equals(r.host) && r.vmState != VmState.DELETED) {
        out.add(
            new InstanceBrief(r.id, r.name, r.host, r.vmState, r.currentMoveId, r.currentMoveType));
      }
    }
    out.sort(Comparator.comparing(InstanceBrief::name));
    return out;
  }

  @Override
  public String startMove(MoveRequest request) {
    return client
        .newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(request.instanceId()))
        .startMove(request);
  }

  @Override
  public List<MoveState> awaitMoves(List<MoveRef> moves, int maxWaitSeconds) {
    long deadline = System.nanoTime() + maxWaitSeconds * 1_000_000_000L;
    while (true) {
      List<MoveState> states = new ArrayList<>();
      boolean anyClosed = false;
      for (MoveRef ref : moves) {
        InstanceRecord r = instance(ref.instanceId());
        boolean closed = !ref.moveId().equals(r.currentMoveId);
        String status = closed ? summaryStatus(r, ref.moveId()) : r.currentMoveStatus;
        anyClosed |= closed;
        states.add(
            new MoveState(
                r.id,
                ref.moveId(),
                closed,
                status,
                closed && SUCCEEDED.contains(status),
                r.host,
                r.lastError));
      }
      if (anyClosed || System.nanoTime() > deadline) {
        return states;
      }
      Activity.getExecutionContext().heartbeat(null);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return states;
      }
    }
  }

  @Override
  public HostRecord disableHost(String host, String reason) {
    return client
        .newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(host))
        .setEnabled(false, reason);
  }

  @Override
  public void addCleanup(String host, CleanupItem item) {
    throw new UnsupportedOperationException("not used by host moves");
  }

  @Override
  public boolean acquireSlot(String host, String moveId) {
    throw new UnsupportedOperationException("not used by host moves");
  }

  @Override
  public void releaseSlot(String host, String moveId) {
    throw new UnsupportedOperationException("not used by host moves");
  }

  private InstanceRecord instance(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id)).get();
  }

  private static String summaryStatus(InstanceRecord r, String moveId) {
    for (MoveSummary m : r.moves) {
      if (m.moveId().equals(moveId)) {
        return m.status();
      }
    }
    return "unknown";
  }
}
