package dev.ferry.worker.agent;

import dev.ferry.host.HostCleanupActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.CleanupReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving agent's side of cleanup on arrival: the same work as at start-up ({@link
 * AgentReconciler#cleanUp}), reported to the HostWorkflow that sent the items.
 */
public final class HostCleanupActivitiesImpl implements HostCleanupActivities {
  private final AgentReconciler reconciler;

  public HostCleanupActivitiesImpl(AgentReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public CleanupReport run(List<CleanupItem> items) {
    AgentReconciler.CleanupOutcome outcome = reconciler.cleanUp(items);
    Map<String, String> failed = new LinkedHashMap<>();
    outcome.failed().forEach((item, why) -> failed.put(item.id(), why));
    return new CleanupReport(outcome.done(), failed);
  }
}
