package dev.ferry.client.fakes;

import dev.ferry.host.HostWorkflow;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.util.List;

/** TEST ONLY: a host record that tells placement about every change. */
public class FakeHost implements HostWorkflow {
  private final HostRecord record;

  @WorkflowInit
  public FakeHost(HostRecord record) {
    this.record = record;
  }

  @Override
  public void run(HostRecord ignored) {
    Workflow.await(() -> false);
  }

  @Override
  public HostRecord register(AgentRegistration registration) {
    return record;
  }

  @Override
  public HostRecord setEnabled(boolean enabled, String reason) {
    record.enabled = enabled;
    record.disabledReason = enabled ? null : reason;
    tellPlacement();
    return record;
  }

  @Override
  public HostRecord setForcedDown(boolean forcedDown) {
    record.forcedDown = forcedDown;
    tellPlacement();
    return record;
  }

  @Override
  public void validateSetEnabled(boolean enabled, String reason) {
    if ("untagged".equals(reason)) {
      // a validator throwing toFailure() directly: with SDK 1.38.0 only the message arrives
      throw new FerryRejection(Reason.INVALID_STATE, "host " + record.name + " says no")
          .toFailure();
    }
  }

  @Override
  public boolean acquireSlot(String moveId) {
    if (!record.slotHolders.contains(moveId)) {
      record.slotHolders.add(moveId);
    }
    return true;
  }

  @Override
  public void releaseSlot(String moveId) {
    record.slotHolders.remove(moveId);
  }

  @Override
  public void addCleanup(CleanupItem item) {
    record.cleanup.add(item);
  }

  @Override
  public void cleanupDone(List<String> itemIds) {}

  @Override
  public void reportUnmanaged(List<String> domainNames) {}

  @Override
  public HostRecord get() {
    return record;
  }

  private void tellPlacement() {
    Workflow.newExternalWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
        .hostChanged(record.summary());
  }
}
