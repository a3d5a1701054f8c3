package dev.ferry.host;

import dev.ferry.model.CleanupItem;
import dev.ferry.model.CleanupReport;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** On a host's own queue: its agent carries out cleanup items while it serves. */
@ActivityInterface(namePrefix = "HostCleanup")
public interface HostCleanupActivities {

  /** Runs each item (one failing does not stop the others); idempotent per item. */
  CleanupReport run(List<CleanupItem> items);
}
