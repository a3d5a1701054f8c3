package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status a move shows is the later one its server's record holds (an evacuation's). */
class RecordedMoveTest {

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

    MoveView shown = RecordedMove.of(done, recording("m1", MoveType.EVACUATION, "completed"));

    assertEquals("completed", shown.status());
    assertEquals(
        List.of(done.moveId(), done.sourceHost(), done.destHost(), done.error()),
        List.of(shown.moveId(), shown.sourceHost(), shown.destHost(), shown.error()));
    assertTrue(shown.finished());
  }

  @Test
  void itsOwnStatusStaysWhenTheRecordHasNothingLater() {
    MoveView done = view("m1", MoveType.EVACUATION, "done", true);
    assertSame(done, RecordedMove.of(done, recording("m1", MoveType.EVACUATION, "done")));
    assertSame(done, RecordedMove.of(done, recording("m2", MoveType.EVACUATION, "completed")));
    assertSame(done, RecordedMove.of(done, null), "no record (deleted server)");

    MoveView error = view("m1", MoveType.EVACUATION, "error", true);
    assertSame(error, RecordedMove.of(error, recording("m1", MoveType.EVACUATION, "completed")));
    MoveView confirmed = view("m1", MoveType.COLD_MIGRATION, "confirmed", true);
    assertSame(
        confirmed, RecordedMove.of(confirmed, recording("m1", MoveType.COLD_MIGRATION, "x")));
  }

  @Test
  void onlyADoneEvacuationAsksItsRecord() {
    assertTrue(RecordedMove.mayChangeAfterClose(MoveType.EVACUATION, "done"));
    assertFalse(RecordedMove.mayChangeAfterClose(MoveType.EVACUATION, "pre-migrating"));
    assertFalse(RecordedMove.mayChangeAfterClose(MoveType.EVACUATION, "failed"));
    assertFalse(RecordedMove.mayChangeAfterClose(MoveType.LIVE_MIGRATION, "completed"));
    assertFalse(RecordedMove.mayChangeAfterClose(MoveType.RESIZE, "finished"));
  }

  @Test
  void theRecordsNoteIsAboutItsLastMoveOnly() {
    InstanceRecord r = recording("m1", MoveType.EVACUATION, "done");
    r.note = "local data of vm3 is lost";
    assertEquals(r.note, RecordedMove.noteAbout(r, "m1"));
    r.addMove(new MoveSummary("m2", MoveType.LIVE_MIGRATION, "b", "a", "completed", 3, 4));
    assertNull(RecordedMove.noteAbout(r, "m1"), "a later move: the note is not about m1");
    r.note = " ";
    assertNull(RecordedMove.noteAbout(r, "m2"));
    assertNull(RecordedMove.noteAbout(null, "m1"));
  }

  @Test
  void theRecordsNoteIsNeverOneOfTheMovesErrors() {
    String note = "local data of vm3 is lost: its disk was local to c (left there; never deleted)";
    assertNull(RecordedMove.withoutNote(note, note));
    assertEquals(
        "owe cleanup failed", RecordedMove.withoutNote(note + "; owe cleanup failed", note));
    assertEquals("fence slow", RecordedMove.withoutNote("fence slow; " + note, note));
    assertEquals("a; b", RecordedMove.withoutNote("a; " + note + "; b", note));
    assertEquals("other", RecordedMove.withoutNote("other", note));
    assertNull(RecordedMove.withoutNote(null, note));
    assertEquals("other", RecordedMove.withoutNote("other", null));

    InstanceRecord r = recording("m1", MoveType.EVACUATION, "completed");
    r.note = note;
    MoveView done =
        new MoveView("m1", MoveType.EVACUATION, "i1", "c", "b", "done", true, List.of(), note);
    MoveView shown = RecordedMove.of(done, r);
    assertNull(shown.error(), "the note is no error");
    assertEquals("completed", shown.status());
  }
}
