package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status a move shows is the later one its server's record holds (an evacuation's). */
class RecordedStatusTest {

  private static InstanceRecord recording(String moveId, MoveType type, String status) {
    InstanceRecord r = new InstanceRecord();
    r.addMove(new MoveSummary(moveId, type, "c", "b", status, 1, 2));
    return r;
  }

  private static MoveView view(String moveId, MoveType type, String status, boolean finished) {
    return new MoveView(moveId, type, "i1", "c", "b", status, finished, List.of(), "an error");
  }

  @Test
  void aDoneEvacuationTheRecordCallsCompletedIsCompletedWithEverythingElseKept() {
    MoveView done = view("m1", MoveType.EVACUATION, "done", true);

    MoveView shown = RecordedStatus.of(done, recording("m1", MoveType.EVACUATION, "completed"));

    assertEquals("completed", shown.status());
    assertEquals(
        List.of(done.moveId(), done.sourceHost(), done.destHost(), done.error()),
        List.of(shown.moveId(), shown.sourceHost(), shown.destHost(), shown.error()));
    assertTrue(shown.finished());
  }

  @Test
  void itsOwnStatusStaysWhenTheRecordHasNothingLater() {
    MoveView done = view("m1", MoveType.EVACUATION, "done", true);
    assertSame(done, RecordedStatus.of(done, recording("m1", MoveType.EVACUATION, "done")));
    assertSame(done, RecordedStatus.of(done, recording("m2", MoveType.EVACUATION, "completed")));
    assertSame(done, RecordedStatus.of(done, null), "no record (deleted server)");

    MoveView error = view("m1", MoveType.EVACUATION, "error", true);
    assertSame(error, RecordedStatus.of(error, recording("m1", MoveType.EVACUATION, "completed")));
    MoveView confirmed = view("m1", MoveType.COLD_MIGRATION, "confirmed", true);
    assertSame(
        confirmed, RecordedStatus.of(confirmed, recording("m1", MoveType.COLD_MIGRATION, "x")));
  }

  @Test
  void onlyADoneEvacuationAsksItsRecord() {
    assertTrue(RecordedStatus.mayChangeAfterClose(MoveType.EVACUATION, "done"));
    assertFalse(RecordedStatus.mayChangeAfterClose(MoveType.EVACUATION, "pre-migrating"));
    assertFalse(RecordedStatus.mayChangeAfterClose(MoveType.EVACUATION, "failed"));
    assertFalse(RecordedStatus.mayChangeAfterClose(MoveType.LIVE_MIGRATION, "completed"));
    assertFalse(RecordedStatus.mayChangeAfterClose(MoveType.RESIZE, "finished"));
  }
}
