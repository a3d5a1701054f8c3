package dev.ferry.entities;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Describes workflows, for the entities' periodic checks of lock and claim holders. */
@ActivityInterface(namePrefix = "Inspect")
public interface WorkflowInspectionActivities {
  /** The subset of {@code workflowIds} that are closed or do not exist. */
  List<String> closedOrMissing(List<String> workflowIds);
}
