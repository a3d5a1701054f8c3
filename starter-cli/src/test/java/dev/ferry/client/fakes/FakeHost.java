package dev.ferry.client.fakes;

import dev.ferry.host.HostRetirement;
import dev.ferry.host.HostWorkflow;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;

/**
 * TEST ONLY: a host record that tells placement about every change. UP stands for "its agent runs";
 * a delete asks placement to forget the host (through {@link Placement}), then the run ends.
 */
public class FakeHost implements HostWorkflow {
  private final HostRecord record;

  /** The conductor's way to placement's forgetHost Update (a workflow cannot send one). */
  @ActivityInterface(namePrefix = "FakeHostPlacement")
  public interface Placement {
    void forgetHost(String host);
  }

  /** Sends forgetHost to the fake placement; a refusal keeps its reason, as the real one does. */
  public static final class PlacementImpl implements Placement {
    private final WorkflowClient client;

    public PlacementImpl(WorkflowClient client) {
      this.client = client;
    }

    @Override
    public void forgetHost(String host) {
      try {
        client
            .newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
            .forgetHost(host);
      } catch (RuntimeException e) {
        throw FerryRejection.from(e).map(r -> (RuntimeException) r.toFailure()).orElse(e);
      }
    }
  }

  @WorkflowInit
  public FakeHost(HostRecord record) {
    this.record = record;
  }

  @Override
  public void run(HostRecord ignored) {
    Workflow.await(() -> record.retired);
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  @Override
  public void validateRetire() {
    try {
      HostRetirement.requireRetirable(record, false);
    } catch (FerryRejection r) {
      throw FakePlacement.reject(r.reason(), r.getMessage());
    }
  }

  @Override
  public void retire() {
    Placement placement =
        Workflow.newActivityStub(
            Placement.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(5))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    try {
      placement.forgetHost(record.name);
    } catch (ActivityFailure f) {
      throw FerryRejection.from(f).map(FerryRejection::toFailure).orElseThrow(() -> f);
    }
    record.retired = true;
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
  public void cleanupDone(List<String> itemIds) {
    record.cleanup.removeIf(c -> itemIds.contains(c.id()));
    record.cleanupFailures.keySet().removeIf(itemIds::contains);
  }

  @Override
  public HostRecord retryCleanup() {
    record.cleanupFailures.clear();
    return record;
  }

  @Override
  public void validateDropCleanup(String itemId) {
    if (record.cleanup.stream().noneMatch(c -> c.id().equals(itemId))) {
      throw FakePlacement.reject(
          FerryRejection.Reason.INVALID_ARGUMENT,
          "host " + record.name + " owes no cleanup item " + itemId);
    }
  }

  @Override
  public HostRecord dropCleanup(String itemId) {
    cleanupDone(List.of(itemId));
    return record;
  }

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
