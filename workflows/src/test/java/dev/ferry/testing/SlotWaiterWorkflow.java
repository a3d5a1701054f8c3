package dev.ferry.testing;

import dev.ferry.host.HostWorkflow;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** Test-only stand-in for a move waiting for a live-migration slot: records who granted it. */
@WorkflowInterface
public interface SlotWaiterWorkflow {
  @WorkflowMethod
  void run();

  @SignalMethod(name = HostWorkflow.SLOT_GRANTED_SIGNAL)
  void slotGranted(String host);

  @QueryMethod
  String grantedBy();

  /** Ends after a day, or when granted. */
  class Impl implements SlotWaiterWorkflow {
    private String grantedBy;

    @Override
    public void run() {
      Workflow.await(Duration.ofDays(1), () -> grantedBy != null);
    }

    @Override
    public void slotGranted(String host) {
      grantedBy = host;
    }

    @Override
    public String grantedBy() {
      return grantedBy;
    }
  }
}
