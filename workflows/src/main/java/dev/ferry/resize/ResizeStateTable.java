package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.*;
import static dev.ferry.resize.ResizeStatus.*;

import dev.ferry.statemachine.StateTable;

/** The resize / cold-migration status table: the only place the workflow consults to move. */
public final class ResizeStateTable {
  public static final StateTable<ResizeStatus, ResizeEvent> TABLE =
      StateTable.<ResizeStatus, ResizeEvent>of(
              "Resize", PRE_MIGRATING, CONFIRMED, REVERTED, CANCELLED, ERROR)
          .add(PRE_MIGRATING, PREPARED, MIGRATING)
          .add(MIGRATING, MIGRATED, POST_MIGRATING)
          .add(POST_MIGRATING, FINISHED_AT_DEST, FINISHED)
          .add(FINISHED, CONFIRM, CONFIRMING)
          .add(CONFIRMING, CONFIRM_DONE, CONFIRMED)
          .add(FINISHED, REVERT, REVERTING)
          .add(REVERTING, REVERT_DONE, REVERTED)
          .addFromEach(
              FAILED, ERROR, PRE_MIGRATING, MIGRATING, POST_MIGRATING, CONFIRMING, REVERTING)
          // A cancel before VERIFY_RESIZE; in FINISHED it is a REVERT, and confirming or reverting
          // are finished rather than interrupted.
          .addFromEach(CANCEL, CANCELLED, PRE_MIGRATING, MIGRATING, POST_MIGRATING);

  private ResizeStateTable() {}
}
