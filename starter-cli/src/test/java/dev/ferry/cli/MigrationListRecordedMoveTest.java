package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.fakes.FakeVisibility;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code migration list} gives an evacuation the status {@code migration show} and {@code server
 * show} give it: {@code completed} once its server's record says so, though the visibility store
 * keeps {@code done}; {@code --status} filters on that word.
 */
class MigrationListRecordedMoveTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLEANED = "0b5c1f84-3f5e-4b8e-9a51-7a3d0c1e2f40";
  private static final String STALE = "7d2e4a10-0000-4000-8000-000000000002";
  private static final String GONE = "7d2e4a10-0000-4000-8000-000000000003";
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

  /** A server record whose history holds {@code moveId} as an evacuation in {@code status}. */
  private static InstanceRecord recording(String id, String moveId, String status) {
    InstanceRecord r = new InstanceRecord();
    r.id = id;
    r.name = "vm-" + id.substring(0, 4);
    r.addMove(new MoveSummary(moveId, MoveType.EVACUATION, "h1", "h2", status, 1, 2));
    return r;
  }

  /**
   * ev-cleaned: its old host destroyed the stale copy (record: completed); ev-stale: not yet
   * (record: done); ev-gone: its server's record cannot be read; a live migration completed.
   */
  private static FakeVisibility moves() {
    return evacuations()
        .move("live", STALE, MoveType.LIVE_MIGRATION, "completed", "h3", "h1", T0, T0);
  }

  private static FakeVisibility evacuations() {
    Instant ended = T0.minusSeconds(60);
    return new FakeVisibility()
        .move("ev-cleaned", CLEANED, MoveType.EVACUATION, "done", "h1", "h2", T0, ended)
        .move("ev-stale", STALE, MoveType.EVACUATION, "done", "h1", "h3", T0, ended)
        .move("ev-gone", GONE, MoveType.EVACUATION, "done", "h1", "h3", T0, ended)
        .instance(recording(CLEANED, "ev-cleaned", "completed"))
        .instance(recording(STALE, "ev-stale", "done"));
  }

  private static Map<String, String> statuses(Cli.Result r) throws Exception {
    assertEquals(0, r.exit(), r.toString());
    Map<String, String> byId = new LinkedHashMap<>();
    for (JsonNode row : JSON.readTree(r.out())) {
      byId.put(row.get("id").asText(), row.get("status").asText());
    }
    return byId;
  }

  @Test
  void anEvacuationReadsAsItsServerRecordsIt() throws Exception {
    try (FakeVisibility visibility = moves()) {
      Cli.Result r = Cli.run(o -> visibility.client(), "--output", "json", "migration", "list");

      assertEquals(
          Map.of(
              "ev-cleaned", "completed",
              "ev-stale", "done",
              "ev-gone", "done",
              "live", "completed"),
          statuses(r));
      // only ended evacuations in done ask their server's record
      assertEquals(
          3,
          visibility.queries.stream().filter(q -> q.startsWith("instance:")).count(),
          visibility.queries.toString());
      assertTrue(visibility.queries.contains(Names.instanceWorkflowId(CLEANED)));
    }
  }

  @Test
  void theStatusFilterMatchesTheWordShown() throws Exception {
    try (FakeVisibility visibility = moves()) {
      Cli.Result completed =
          Cli.run(
              o -> visibility.client(),
              "--output",
              "json",
              "migration",
              "list",
              "--status",
              "completed");
      assertEquals(
          "MigrationType IN ('COLD_MIGRATION', 'RESIZE', 'LIVE_MIGRATION', 'EVACUATION')"
              + " AND MigrationStatus IN ('completed', 'done')",
          visibility.requests.get(0).getQuery());
      // the fake store does not filter: every row comes back; an evacuation's shown word decides
      assertEquals(Map.of("ev-cleaned", "completed", "live", "completed"), statuses(completed));

      Cli.Result typed =
          Cli.run(
              o -> visibility.client(),
              "migration",
              "list",
              "--type",
              "evacuation",
              "--status",
              "completed");
      assertEquals(0, typed.exit(), typed.toString());
      assertTrue(
          visibility
              .requests
              .get(1)
              .getQuery()
              .endsWith("MigrationStatus IN ('completed', 'done')"),
          visibility.requests.get(1).getQuery());
    }
    try (FakeVisibility visibility = evacuations()) {
      Cli.Result done =
          Cli.run(
              o -> visibility.client(),
              "--output",
              "json",
              "migration",
              "list",
              "--type",
              "evacuation",
              "--status",
              "done");
      assertTrue(
          visibility.requests.get(0).getQuery().endsWith("MigrationStatus = 'done'"),
          visibility.requests.get(0).getQuery());
      assertEquals(Map.of("ev-stale", "done", "ev-gone", "done"), statuses(done));
    }
  }
}
