package dev.ferry.evacuate;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link HostMovesActivities} over the test's client, as the conductor's implementation does it:
 * instance records by query, {@code startMove} as the Update, the long poll bounded to 2 s here.
 */
final class TestHostMoves implements HostMovesActivities {
  final Set<String> instanceIds = ConcurrentHashMap.newKeySet();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<MoveRequest> requests = new CopyOnWriteArrayList<>();
  private final WorkflowClient client;

  TestHostMoves(WorkflowClient client) {
    this.client = client;
  }

  private InstanceWorkflow instance(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  @Override
  public List<InstanceBrief> instancesOn(String host) {
    calls.add("instancesOn " + host);
    List<InstanceBrief> out = new ArrayList<>();
    for (String id : instanceIds) {
      InstanceRecord r = instance(id).get();
      if (host.equals(r.host)) {
        out.add(
            new InstanceBrief(r.id, r.name, r.host, r.vmState, r.currentMoveId, r.currentMoveType));
      }
    }
    out.sort(Comparator.comparing(InstanceBrief::name));
    return out;
  }

  @Override
  public String startMove(MoveRequest request) {
    calls.add("startMove " + request.instanceId() + " " + request.type());
    requests.add(request);
    try {
      return instance(request.instanceId()).startMove(request);
    } catch (RuntimeException e) {
      FerryRejection r = FerryRejection.from(e).orElse(null);
      if (r != null) {
        throw r.toFailure();
      }
      throw e;
    }
  }

  @Override
  public List<MoveState> awaitMoves(List<MoveRef> moves, int maxWaitSeconds) {
    long deadline = System.nanoTime() + Math.min(maxWaitSeconds, 2) * 1_000_000_000L;
    while (true) {
      List<MoveState> states = new ArrayList<>();
      for (MoveRef ref : moves) {
        states.add(MoveStates.of(ref, instance(ref.instanceId()).get()));
      }
      if (states.stream().anyMatch(MoveState::closed) || System.nanoTime() > deadline) {
        return states;
      }
      Activity.getExecutionContext().heartbeat(null);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }
  }

  @Override
  public HostRecord disableHost(String host, String reason) {
    calls.add("disable " + host + ": " + reason);
    HostRecord r = new HostRecord();
    r.name = host;
    r.enabled = false;
    r.disabledReason = reason;
    return r;
  }
}
