package dev.ferry.evacuate;

import static dev.ferry.evacuate.EvacuationEvent.FAILED;
import static dev.ferry.evacuate.EvacuationEvent.FENCED;
import static dev.ferry.evacuate.EvacuationEvent.REBUILT;
import static dev.ferry.evacuate.EvacuationEvent.REFUSED;
import static dev.ferry.evacuate.EvacuationStatus.ACCEPTED;
import static dev.ferry.evacuate.EvacuationStatus.DONE;
import static dev.ferry.evacuate.EvacuationStatus.ERROR;
import static dev.ferry.evacuate.EvacuationStatus.PRE_MIGRATING;

import dev.ferry.statemachine.StateTable;

/**
 * The evacuation status table: the only place the workflow consults to move. No row leads to a
 * rebuild except through {@code FENCED}.
 */
public final class EvacuationStateTable {
  public static final StateTable<EvacuationStatus, EvacuationEvent> TABLE =
      StateTable.<EvacuationStatus, EvacuationEvent>of(
              "Evacuation", ACCEPTED, DONE, EvacuationStatus.FAILED, ERROR)
          .add(ACCEPTED, FENCED, PRE_MIGRATING)
          .add(ACCEPTED, REFUSED, EvacuationStatus.FAILED)
          .add(PRE_MIGRATING, REBUILT, DONE)
          .add(PRE_MIGRATING, FAILED, ERROR);

  private EvacuationStateTable() {}
}
