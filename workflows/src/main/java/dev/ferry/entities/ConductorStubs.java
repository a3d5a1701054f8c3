package dev.ferry.entities;

import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.model.Names;
import dev.ferry.move.Summarized;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Stubs of the conductor's off-host activities (calls into the entities). */
public final class ConductorStubs {

  /**
   * An Update to an entity answers in well under a second; one that lands while the entity
   * continues as new is dropped, so a short timeout and patient retries deliver it.
   */
  public static final ActivityOptions ENTITY_CALL =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofSeconds(20))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(15))
                  .setDoNotRetry(HypervisorStubs.rejectionTypes())
                  .build())
          .build();

  private ConductorStubs() {}

  /** The entity stubs a move calls, for one call: its activity shows {@code summary}. */
  public record EntityCalls(PlacementActivities placement, HostRecordActivities hostRecords) {}

  /** Stubs for one call whose summary (the Web UI's line for it) is {@code summary}. */
  public static EntityCalls summarized(String summary) {
    return new EntityCalls(
        Summarized.stub(PlacementActivities.class, ENTITY_CALL, summary),
        Summarized.stub(HostRecordActivities.class, ENTITY_CALL, summary));
  }

  public static PlacementActivities placement() {
    return Workflow.newActivityStub(PlacementActivities.class, ENTITY_CALL);
  }

  public static HostRecordActivities hostRecords() {
    return Workflow.newActivityStub(HostRecordActivities.class, ENTITY_CALL);
  }

  public static WorkflowInspectionActivities inspection() {
    return Workflow.newActivityStub(WorkflowInspectionActivities.class, ENTITY_CALL);
  }
}
