package dev.ferry.cli.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.cli.common.Output;
import dev.ferry.client.MigrationListing;
import dev.ferry.live.JobProgress;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Nova-named fields of a move: one listed and the same move shown give the same values; a live
 * migration job's bytes map to Nova's names; what Ferry does not know is null.
 */
public class NovaMigrationTest {
  /** Nova's migration record fields, in the order both commands print them. */
  public static final List<String> KEYS =
      List.of(
          "id",
          "server_uuid",
          "source_compute",
          "dest_compute",
          "old_flavor",
          "new_flavor",
          "migration_type",
          "status",
          "created_at",
          "updated_at",
          "memory_total_bytes",
          "memory_processed_bytes",
          "memory_remaining_bytes",
          "disk_total_bytes",
          "disk_processed_bytes",
          "disk_remaining_bytes",
          "user_id");

  private static final String SERVER = "0b5c1f84-3f5e-4b8e-9a51-7a3d0c1e2f40";
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00.250Z");
  private static final Instant T1 = Instant.parse("2026-05-01T12:03:10Z");

  /** A running job: memory 1000 / 400 sent / 600 left, disk 5000 / 2000 / 3000. */
  public static final JobProgress JOB =
      new JobProgress(
          true, 0, "running", 500, 1000, 400, 600, 5000, 2000, 3000, 3600, 100, 2, 10, 36L, false,
          null, null);

  private static MoveView view(boolean finished, String status) {
    List<Change> log = new ArrayList<>();
    log.add(new Change(null, null, "QUEUED", T0.toEpochMilli(), "ferry"));
    log.add(new Change("QUEUED", "SLOT_GRANTED", "RUNNING", T0.toEpochMilli() + 5, "ferry"));
    if (finished) {
      log.add(new Change("RUNNING", "POST_DONE", "COMPLETED", T1.toEpochMilli(), "ferry"));
    }
    return new MoveView(
        "m1", MoveType.LIVE_MIGRATION, SERVER, "h1", "h2", status, finished, log, null);
  }

  private static MigrationListing listing(Instant ended, String status) {
    return new MigrationListing(
        "m1", SERVER, "web1", MoveType.LIVE_MIGRATION, status, "h1", "h2", T0, ended);
  }

  @Test
  void aListedMoveAndTheSameMoveShownGiveTheSameNovaFields() {
    assertEquals(
        NovaMigration.of(listing(T1, "completed"), null),
        NovaMigration.of(view(true, "completed"), null));
    assertEquals(
        NovaMigration.of(listing(null, "running"), JOB),
        NovaMigration.of(view(false, "running"), JOB));
  }

  @Test
  void aRunningLiveMigrationsJobBytesMapToNovasNames() {
    Map<String, Object> json = Output.merged(NovaMigration.of(view(false, "running"), JOB));

    assertEquals(KEYS, List.copyOf(json.keySet()));
    Map<String, Object> expected = new HashMap<>();
    expected.put("id", "m1");
    expected.put("server_uuid", SERVER);
    expected.put("source_compute", "h1");
    expected.put("dest_compute", "h2");
    expected.put("old_flavor", null);
    expected.put("new_flavor", null);
    expected.put("migration_type", "live-migration");
    expected.put("status", "running");
    expected.put("created_at", "2026-05-01T12:00:00.250Z");
    expected.put("updated_at", null);
    expected.put("memory_total_bytes", 1000L);
    expected.put("memory_processed_bytes", 400L);
    expected.put("memory_remaining_bytes", 600L);
    expected.put("disk_total_bytes", 5000L);
    expected.put("disk_processed_bytes", 2000L);
    expected.put("disk_remaining_bytes", 3000L);
    expected.put("user_id", null);
    assertEquals(expected, json);
  }

  @Test
  void withoutARunningJobTheBytesAreNullAndAnEndedMoveIsUpdatedWhenItEnded() {
    NovaMigration ended = NovaMigration.of(view(true, "completed"), null);

    assertEquals("2026-05-01T12:03:10Z", ended.updatedAt());
    assertNull(ended.memoryTotalBytes());
    assertNull(ended.memoryProcessedBytes());
    assertNull(ended.memoryRemainingBytes());
    assertNull(ended.diskTotalBytes());
    assertNull(ended.diskProcessedBytes());
    assertNull(ended.diskRemainingBytes());
  }

  @Test
  void aShownResizeCarriesItsOldAndNewFlavorAndWhoAsked() {
    MoveView v = view(false, "migrating");
    MoveView resize =
        new MoveView(
            v.moveId(),
            MoveType.RESIZE,
            v.instanceId(),
            "h1",
            "h2",
            "migrating",
            false,
            v.log(),
            null,
            "m1.small",
            "m1.medium",
            "alice");

    NovaMigration nova = NovaMigration.of(resize, null);

    assertEquals("m1.small", nova.oldFlavor());
    assertEquals("m1.medium", nova.newFlavor());
    assertEquals("alice", nova.userId());
    assertEquals("resize", nova.migrationType());
  }

  @Test
  void aRunningDiskCopysBytesAreTheDisksTotalProcessedAndRemaining() {
    NovaMigration nova =
        NovaMigration.of(view(false, "migrating"), null, new CopyProgress(2000, 5000, 1000));

    assertEquals(5000L, nova.diskTotalBytes());
    assertEquals(2000L, nova.diskProcessedBytes());
    assertEquals(3000L, nova.diskRemainingBytes());
    assertNull(nova.memoryTotalBytes(), "a cold move copies no memory");
  }

  @Test
  void eachMovesTypeIsNovasWord() {
    Map<MoveType, String> words =
        Map.of(
            MoveType.COLD_MIGRATION, "migration",
            MoveType.RESIZE, "resize",
            MoveType.LIVE_MIGRATION, "live-migration",
            MoveType.EVACUATION, "evacuation");
    words.forEach(
        (type, word) ->
            assertEquals(
                word,
                NovaMigration.of(
                        new MigrationListing("m", SERVER, "s", type, "done", "h1", null, T0, null),
                        null)
                    .migrationType()));
  }

  @Test
  void mergingKeepsASharedKeyOnceAndRefusesOneThatDisagrees() {
    record Status(String status, String id) {}
    record Other(String status, String extra) {}

    assertEquals(
        Map.of("status", "running", "id", "m1", "extra", "x"),
        Output.merged(new Status("running", "m1"), new Other("running", "x")));
    assertThrows(
        IllegalStateException.class,
        () -> Output.merged(new Status("running", "m1"), new Other("done", "x")));
  }
}
