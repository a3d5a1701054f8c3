package dev.ferry.live;

import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.Settings;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/**
 * Where a live migration's defaults come from. Since {@value #CHANGE_ID}: the cluster settings the
 * conductor pushed to placement ({@code ferry.conductor.live-migration.*}), read with one activity
 * when the move starts, so the value is in its history and a reconfigured conductor never changes a
 * running move. Runs started before it took the built-in defaults through a side effect, and replay
 * that way.
 */
final class ClusterDefaults {

  /** Forever: never rename or reuse. */
  static final String CHANGE_ID = "live-defaults-from-settings";

  private boolean fromSettings;

  ClusterDefaults() {}

  /**
   * Called once at the start of the run, before its first command. Returns the resolved options for
   * a run that predates {@value #CHANGE_ID} (the recorded side effect), else {@code requested} as
   * is: {@link #resolve} completes it once the move may issue activities.
   */
  LiveMigrationOptions begin(LiveMigrationOptions requested) {
    fromSettings =
        Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
    if (fromSettings) {
      return requested;
    }
    LiveMigrationOptions builtIn =
        Workflow.sideEffect(LiveMigrationOptions.class, () -> LiveMigrationOptions.DEFAULTS);
    return requested.resolvedWith(builtIn);
  }

  /**
   * The request completed with the cluster's defaults (a no-op for a run that predates {@value
   * #CHANGE_ID}: {@code options} is resolved already). Throws {@link MoveStepException} when the
   * settings cannot be read: nothing has been touched yet.
   */
  LiveMigrationOptions resolve(LiveMigrationOptions options) {
    if (!fromSettings) {
      return options;
    }
    Settings settings;
    try {
      settings = ConductorCalls.summarized("read the cluster settings").placement().settings();
    } catch (ActivityFailure f) {
      throw new MoveStepException(
          "read the cluster settings failed: " + ActivityFailures.message(f));
    }
    return options.resolvedWith(settings == null ? null : settings.liveMigrationDefaults());
  }
}
