package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.*;
import static dev.ferry.resize.ResizeStatus.*;

import dev.ferry.statemachine.StateTable;

/** The resize / cold-migration status table: the only place the workflow consults to move. */
public final class ResizeStateTable {
  public static final StateTable<ResizeStatus, ResizeEvent> TABLE =
      StateTable.<ResizeStatus, ResizeEvent>of("Resize", PRE_MIGRATING, CONFIRMED, REVERTED, ERROR)
          .add(PRE_MIGRATING, PREPARED, MIGRATING)
          .add(MIGRATING, MIGRATED, POST_MIGRATING)
          .add(POST_MIGRATING, FINISHED_AT_DEST, FINISHED)
          .add(FINISHED, CONFIRM, CONFIRMING)
          .add(CONFIRMING, CONFIRM_DONE, CONFIRMED)
          .add(FINISHED, REVERT, REVERTING)
          .add(REVERTING, REVERT_DONE, REVERTED)
          .addFromEach(
              FAILED, ERROR, PRE_MIGRATING, MIGRATING, POST_MIGRATING, CONFIRMING, REVERTING);

  private ResizeStateTable() {}
}
