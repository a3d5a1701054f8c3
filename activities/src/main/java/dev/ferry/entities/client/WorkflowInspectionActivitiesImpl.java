package dev.ferry.entities.client;

import dev.ferry.entities.WorkflowInspectionActivities;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;

/** Describes workflows for the entities' lock and claim checks. */
public class WorkflowInspectionActivitiesImpl implements WorkflowInspectionActivities {
  private final WorkflowClient client;

  public WorkflowInspectionActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<String> closedOrMissing(List<String> workflowIds) {
    List<String> gone = new ArrayList<>();
    for (String id : workflowIds) {
      if (!isRunning(id)) {
        gone.add(id);
      }
    }
    return gone;
  }

  private boolean isRunning(String workflowId) {
    try {
      var response =
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      return response.getWorkflowExecutionInfo().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
