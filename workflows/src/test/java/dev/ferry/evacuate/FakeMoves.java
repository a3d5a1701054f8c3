package dev.ferry.evacuate;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only stand-ins for the moves a host evacuation / drain starts (workflow types
 * "EvacuationWorkflow" and "LiveMigrationWorkflow"): they wait for the signal {@code finish} (or
 * finish at once when {@link #autoFinish} is set), then tell their InstanceWorkflow {@code
 * moveClosed}, as real moves do. A static recorder (written only on first execution, never on
 * replay) counts starts per move and the most moves ever in flight at once.
 */
final class FakeMoves {
  static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();
  static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
  static final List<MoveType> TYPES = new CopyOnWriteArrayList<>();
  static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
  static volatile boolean autoFinish;
  static volatile String destination = "h2";

  private FakeMoves() {}

  static void reset() {
    RUNNING.clear();
    STARTS.clear();
    TYPES.clear();
    MAX_IN_FLIGHT.set(0);
    autoFinish = false;
    destination = "h2";
  }

  @WorkflowInterface
  public interface FakeEvacuation {
    @WorkflowMethod(name = "EvacuationWorkflow")
    MoveView run(MoveInput input);

    @SignalMethod
    void finish(boolean ok);

    @QueryMethod(name = "status")
    MoveView status();
  }

  @WorkflowInterface
  public interface FakeLiveMigration {
    @WorkflowMethod(name = "LiveMigrationWorkflow")
    MoveView run(MoveInput input);

    @SignalMethod
    void finish(boolean ok);

    @QueryMethod(name = "status")
    MoveView status();
  }

  /** What both fakes do. */
  abstract static class Base {
    private MoveInput input;
    private Boolean ok;
    private String status = "accepted";

    abstract String successStatus();

    public MoveView run(MoveInput in) {
      input = in;
      String id = Workflow.getInfo().getWorkflowId();
      if (!Workflow.isReplaying()) {
        STARTS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        TYPES.add(in.request().type());
        RUNNING.add(id);
        MAX_IN_FLIGHT.accumulateAndGet(RUNNING.size(), Math::max);
      }
      status = "running";
      if (autoFinish) {
        ok = true;
      }
      Workflow.await(() -> ok != null);
      if (!Workflow.isReplaying()) {
        RUNNING.remove(id); // before telling the instance: the parent may start the next at once
      }
      MoveRequest request = in.request();
      InstanceRecord before = in.instance();
      status = ok ? successStatus() : "error";
      MoveOutcome outcome =
          new MoveOutcome(
              request.moveId(),
              status,
              ok,
              ok ? destination : before.host,
              before.flavor,
              before.epoch + 1,
              before.domainXml,
              before.vmState,
              before.powerState,
              ok ? null : "fake move failed");
      Workflow.newExternalWorkflowStub(
              InstanceWorkflow.class, Workflow.getInfo().getParentWorkflowId().orElseThrow())
          .moveClosed(outcome);
      return status();
    }

    public void finish(boolean succeed) {
      ok = succeed;
    }

    public MoveView status() {
      return new MoveView(
          input == null ? null : input.request().moveId(),
          input == null ? null : input.request().type(),
          input == null ? null : input.request().instanceId(),
          null,
          null,
          status,
          ok != null,
          List.of(),
          null);
    }
  }

  public static class EvacuationImpl extends Base implements FakeEvacuation {
    @Override
    String successStatus() {
      return "done";
    }
  }

  public static class LiveMigrationImpl extends Base implements FakeLiveMigration {
    @Override
    String successStatus() {
      return "completed";
    }
  }
}
