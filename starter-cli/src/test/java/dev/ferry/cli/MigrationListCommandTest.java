package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.move.NovaMigrationTest;
import dev.ferry.client.FakeFerry;
import dev.ferry.client.fakes.FakeVisibility;
import dev.ferry.model.MoveType;
import io.grpc.Status;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry migration list}: its filters on the wire, its table and JSON, its usage errors, and
 * its one line on an engine without visibility.
 */
class MigrationListCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEB1 = "0b5c1f84-3f5e-4b8e-9a51-7a3d0c1e2f40";
  private static final String WEB2 = "7d2e4a10-0000-4000-8000-000000000002";
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

  /** A move id as real moves have (a UUID): the client asks a job's progress only of those. */
  private static final String LIVE_ID = "5f0c2b7e-1111-4c3d-9e8f-0a1b2c3d4e5f";

  /** The keys a row has always had, in their order. */
  private static final List<String> ROW_KEYS =
      List.of(
          "id",
          "server",
          "instanceId",
          "sourceHost",
          "destHost",
          "type",
          "status",
          "created",
          "updated");

  private static FakeVisibility twoMoves() {
    return twoMoves("m-live");
  }

  /** A running live migration {@code liveId} and an ended cold migration {@code m-cold}. */
  private static FakeVisibility twoMoves(String liveId) {
    return new FakeVisibility()
        .move(liveId, WEB2, MoveType.LIVE_MIGRATION, "running", "h1", "h3", T0, null)
        .move(
            "m-cold",
            WEB1,
            MoveType.COLD_MIGRATION,
            "confirmed",
            "h1",
            "h2",
            T0.minusSeconds(600),
            T0.minusSeconds(60));
  }

  @Test
  void jsonRowsUseNovasWordsAndTheFiltersReachTheVisibilityQuery() throws Exception {
    try (FakeVisibility visibility = twoMoves()) {
      Cli.Result r =
          Cli.run(
              o -> visibility.client(),
              "migration",
              "list",
              "--host",
              "h1",
              "--status",
              "CONFIRMED",
              "--type",
              "migration",
              "--since",
              "2026-04-30T00:00:00Z",
              "--limit",
              "20",
              "--output",
              "json");
      assertEquals(0, r.exit(), r.toString());

      ListWorkflowExecutionsRequest request = visibility.requests.get(0);
      assertEquals("ferry-ns", request.getNamespace());
      assertEquals(20, request.getPageSize());
      assertEquals(
          "MigrationType = 'COLD_MIGRATION' AND (SourceHost = 'h1' OR DestHost = 'h1')"
              + " AND MigrationStatus = 'confirmed' AND StartTime >= '2026-04-30T00:00:00Z'",
          request.getQuery());

      JsonNode rows = JSON.readTree(r.out());
      assertEquals(2, rows.size(), r.out()); // the fake does not filter: the engine does
      JsonNode live = rows.get(0);
      assertEquals("m-live", live.get("id").asText());
      assertEquals("live-migration", live.get("type").asText());
      assertEquals("running", live.get("status").asText());
      assertEquals("2026-05-01T12:00:00Z", live.get("created").asText());
      assertTrue(live.get("updated").isNull(), "running: not ended");
      JsonNode cold = rows.get(1);
      assertEquals("migration", cold.get("type").asText());
      // placement does not answer here: servers are named by instance id
      assertEquals(WEB1, cold.get("server").asText());
      assertEquals(WEB1, cold.get("instanceId").asText());
      assertEquals("h1", cold.get("sourceHost").asText());
      assertEquals("h2", cold.get("destHost").asText());
      assertEquals("2026-05-01T11:59:00Z", cold.get("updated").asText());
    }
  }

  @Test
  void jsonRowsKeepTheirKeysAndAddNovasWithARunningLiveMigrationsBytes() throws Exception {
    try (FakeVisibility visibility = twoMoves(LIVE_ID).progress(LIVE_ID, NovaMigrationTest.JOB)) {
      Cli.Result r = Cli.run(o -> visibility.client(), "migration", "list", "--output", "json");
      assertEquals(0, r.exit(), r.toString());

      JsonNode rows = JSON.readTree(r.out());
      List<String> keys = new ArrayList<>(ROW_KEYS);
      NovaMigrationTest.KEYS.stream().filter(k -> !keys.contains(k)).forEach(keys::add);
      for (JsonNode row : rows) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        assertEquals(keys, names, r.out());
      }
      JsonNode live = rows.get(0);
      assertEquals(LIVE_ID, live.get("id").asText());
      assertEquals(WEB2, live.get("server_uuid").asText());
      assertEquals("h1", live.get("source_compute").asText());
      assertEquals("h3", live.get("dest_compute").asText());
      assertEquals("live-migration", live.get("migration_type").asText());
      assertEquals("2026-05-01T12:00:00Z", live.get("created_at").asText());
      assertTrue(live.get("updated_at").isNull(), r.out());
      assertEquals(1000, live.get("memory_total_bytes").asLong());
      assertEquals(400, live.get("memory_processed_bytes").asLong());
      assertEquals(600, live.get("memory_remaining_bytes").asLong());
      assertEquals(5000, live.get("disk_total_bytes").asLong());
      assertEquals(2000, live.get("disk_processed_bytes").asLong());
      assertEquals(3000, live.get("disk_remaining_bytes").asLong());
      JsonNode cold = rows.get(1);
      assertEquals("migration", cold.get("migration_type").asText());
      assertEquals("2026-05-01T11:50:00Z", cold.get("created_at").asText());
      assertEquals("2026-05-01T11:59:00Z", cold.get("updated_at").asText());
      for (String unknown :
          List.of(
              "old_flavor",
              "new_flavor",
              "user_id",
              "memory_total_bytes",
              "disk_remaining_bytes")) {
        assertTrue(cold.get(unknown).isNull(), unknown + ": " + r.out());
      }
      assertTrue(live.get("user_id").isNull(), r.out());
    }
  }

  @Test
  void aLiveMigrationWhoseProgressTheEngineCannotGiveListsWithNullBytes() throws Exception {
    try (FakeVisibility visibility = twoMoves(LIVE_ID)) {
      Cli.Result r = Cli.run(o -> visibility.client(), "migration", "list", "--output", "json");
      assertEquals(0, r.exit(), r.toString());
      JsonNode live = JSON.readTree(r.out()).get(0);
      assertEquals(LIVE_ID, live.get("id").asText());
      assertTrue(live.get("memory_total_bytes").isNull(), r.out());
    }
  }

  @Test
  void theTableHasOneLinePerMoveAndDashesForWhatIsNotKnown() {
    try (FakeVisibility visibility = twoMoves()) {
      Cli.Result r = Cli.run(o -> visibility.client(), "migration", "list", "--server", WEB1);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(visibility.requests.get(0).getQuery().contains("InstanceId = '" + WEB1 + "'"));
      List<String> lines = r.out().lines().toList();
      assertEquals(
          List.of("ID", "SERVER", "SOURCE", "DEST", "TYPE", "STATUS", "CREATED", "UPDATED"),
          List.of(lines.get(0).split("\\s+")));
      assertEquals(
          List.of(
              "m-live", WEB2, "h1", "h3", "live-migration", "running", "2026-05-01T12:00:00Z", "-"),
          List.of(lines.get(1).split("\\s+")));
      assertEquals(3, lines.size(), r.out());
    }
  }

  @Test
  void onTheJavaTestServerAResolvedServerStillEndsInOneLineSayingARealServerIsNeeded()
      throws Exception {
    // The name resolves through placement; ListWorkflowExecutions is UNIMPLEMENTED there.
    try (FakeFerry ferry = new FakeFerry().standardCluster()) {
      ferry.server("web1", "m1.small", "a", dev.ferry.model.VmState.ACTIVE);
      Cli.Result r = Cli.run(o -> ferry.client(), "migration", "list", "--server", "web1");
      assertEquals(ExitStatus.FAILED, r.exit(), r.toString());
      assertEquals(1, r.err().lines().count(), r.toString());
      assertTrue(
          r.err()
              .startsWith(
                  "ferry: error: migration list needs a real Temporal server (visibility); "),
          r.toString());
      assertEquals("", r.out());

      Cli.Result unknown =
          Cli.run(o -> ferry.client(), "migration", "list", "--server", "no-such-server");
      assertEquals(ExitStatus.NOT_FOUND, unknown.exit(), unknown.toString());
      assertEquals(
          "ferry: error: unknown server 'no-such-server': see 'ferry server list'\n",
          unknown.err());
    }
  }

  @Test
  void aQueryOverAnUnregisteredSearchAttributeSaysWhatIsMissingAndWhereToLook() {
    try (FakeVisibility visibility =
        twoMoves()
            .refuseWith(
                Status.INVALID_ARGUMENT.withDescription(
                    "invalid query: invalid expression: column name 'DestHost' is not a valid"
                        + " search attribute"))) {
      Cli.Result r = Cli.run(o -> visibility.client(), "migration", "list", "--host", "h1");
      assertEquals(ExitStatus.FAILED, r.exit(), r.toString());
      assertEquals(1, r.err().lines().count(), r.toString());
      assertTrue(r.err().contains("'DestHost' is not a valid search attribute"), r.toString());
      assertTrue(
          r.err().contains("Ferry's search attributes are missing on namespace ferry-ns"),
          r.toString());
    }
  }

  private static void assertUsageError(String expected, String... args) {
    Cli.Result r = Cli.run(Cli::neverConnect, args);
    assertEquals(ExitStatus.USAGE, r.exit(), r.toString());
    assertTrue(r.err().startsWith("ferry: error: "), r.toString());
    assertTrue(r.err().contains(expected), r.toString());
  }

  @Test
  void badFiltersAreUsageErrorsRefusedBeforeConnecting() {
    assertUsageError(
        "unknown migration type 'cold': use one of migration, resize, live-migration, evacuation",
        "migration",
        "list",
        "--type",
        "cold");
    assertUsageError(
        "unknown migration status 'paused'", "migration", "list", "--status", "paused");
    assertUsageError("'2 days' is neither a duration", "migration", "list", "--since", "2 days");
    assertUsageError("--limit must be 1 to 1000, not 0", "migration", "list", "--limit", "0");
    assertUsageError("--limit", "migration", "list", "--limit", "many");
    assertUsageError(
        "type live-migration never reports status 'confirmed'",
        "migration",
        "list",
        "--type",
        "live-migration",
        "--status",
        "confirmed");
  }
}
