package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.*;
import static dev.ferry.live.LiveMigrationStatus.*;

import dev.ferry.statemachine.StateTable;

/** The live-migration status table: the only place the workflow consults to move. */
public final class LiveMigrationStateTable {
  public static final StateTable<LiveMigrationStatus, LiveMigrationEvent> TABLE =
      StateTable.<LiveMigrationStatus, LiveMigrationEvent>of(
              "LiveMigration", QUEUED, COMPLETED, FAILED, CANCELLED, ERROR)
          .add(QUEUED, SLOT_GRANTED, PREPARING)
          .add(PREPARING, JOB_STARTED, RUNNING)
          .add(RUNNING, POST_COPY_STARTED, RUNNING_POST_COPY)
          .add(RUNNING, SWITCHED_OVER, POST_MIGRATING)
          .add(RUNNING_POST_COPY, SWITCHED_OVER, POST_MIGRATING)
          .add(POST_MIGRATING, POST_DONE, COMPLETED)
          .add(QUEUED, REJECTED, FAILED)
          .addFromEach(ROLLED_BACK, FAILED, QUEUED, PREPARING, RUNNING)
          .addFromEach(ABORTED, CANCELLED, QUEUED, PREPARING, RUNNING)
          .addFromEach(
              BROKEN, ERROR, QUEUED, PREPARING, RUNNING, RUNNING_POST_COPY, POST_MIGRATING);

  private LiveMigrationStateTable() {}
}
