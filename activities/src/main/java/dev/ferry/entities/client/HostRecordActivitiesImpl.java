package dev.ferry.entities.client;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.host.HostWorkflow;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/** Reads host records and files cleanup work on HostWorkflows. */
public class HostRecordActivitiesImpl implements HostRecordActivities {
  private final WorkflowClient client;

  public HostRecordActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  private HostWorkflow host(String name) {
    return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
  }

  @Override
  public HostRecord get(String name) {
    try {
      return host(name).get();
    } catch (WorkflowNotFoundException e) {
      throw unknown(name);
    }
  }

  @Override
  public void addCleanup(String name, CleanupItem item) {
    try {
      host(name).addCleanup(item);
    } catch (WorkflowNotFoundException e) {
      throw unknown(name);
    }
  }

  @Override
  public boolean acquireSlot(String name, String moveId) {
    try {
      return EntityCalls.call(() -> host(name).acquireSlot(moveId));
    } catch (WorkflowNotFoundException e) {
      throw unknown(name);
    }
  }

  @Override
  public void releaseSlot(String name, String moveId) {
    try {
      EntityCalls.run(() -> host(name).releaseSlot(moveId));
    } catch (WorkflowNotFoundException e) {
      throw unknown(name);
    }
  }

  private static RuntimeException unknown(String name) {
    return new FerryRejection(FerryRejection.Reason.UNKNOWN_HOST, "unknown host '" + name + "'")
        .toFailure();
  }
}
