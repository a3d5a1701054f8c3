package dev.ferry.worker.conductor;

import dev.ferry.model.Names;
import dev.ferry.model.Settings;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/** Starts {@code ferry-placement} when it does not run yet, and pushes the settings to it. */
final class PlacementBootstrap {
  private PlacementBootstrap() {}

  static void ensure(WorkflowClient client, Settings settings) {
    PlacementWorkflow placement =
        client.newWorkflowStub(
            PlacementWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.PLACEMENT_WORKFLOW_ID)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                // its first run only (a static summary does not survive continue-as-new): later
                // runs say where they stand in their current details
                .setStaticSummary("placement: claims, hosts and server names")
                .build());
    try {
      WorkflowClient.start(placement::run, new PlacementState());
    } catch (WorkflowExecutionAlreadyStarted e) {
      // already there: it keeps its claims
    }
    client
        .newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
        .configure(settings);
  }
}
