package dev.ferry.testing;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;

/**
 * What the Temporal Web UI reads, read the way it does: activity and timer summaries from the user
 * metadata of history events, current details from the {@code __temporal_workflow_metadata} query.
 */
public final class WebUiMetadata {

  private WebUiMetadata() {}

  /** The summary of every ActivityTaskScheduled event, in order ("" for one without). */
  public static List<String> activitySummaries(List<HistoryEvent> history) {
    return summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  }

  /** The summary of every TimerStarted event, in order ("" for one without). */
  public static List<String> timerSummaries(List<HistoryEvent> history) {
    return summaries(history, EventType.EVENT_TYPE_TIMER_STARTED);
  }

  /** The workflow's current details, as the UI's metadata query returns them. */
  public static String currentDetails(WorkflowClient client, String workflowId) {
    return client
        .newUntypedWorkflowStub(workflowId)
        .query(WorkflowClient.QUERY_TYPE_WORKFLOW_METADATA, WorkflowMetadata.class)
        .getCurrentDetails();
  }

  private static List<String> summaries(List<HistoryEvent> history, EventType type) {
    return history.stream()
        .filter(e -> e.getEventType() == type)
        .map(e -> e.hasUserMetadata() ? summaryOf(e.getUserMetadata()) : "")
        .toList();
  }

  private static String summaryOf(UserMetadata metadata) {
    if (!metadata.hasSummary()) {
      return "";
    }
    Payload summary = metadata.getSummary();
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(summary, String.class, String.class);
  }
}
