package dev.ferry.cli.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.client.FerryClient;
import dev.ferry.model.VmState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ferry migration show --output json} of a live migration (the fake one, whose job
 * heartbeats 256 MiB of memory, 120 MiB sent): the move's view as before, Nova's migration fields,
 * and the live view and job progress its table shows.
 */
@Timeout(60)
class MigrationShowJsonTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The keys of the move's view, in their order. */
  private static final List<String> VIEW_KEYS =
      List.of(
          "moveId",
          "type",
          "instanceId",
          "sourceHost",
          "destHost",
          "status",
          "finished",
          "log",
          "error",
          "oldFlavor",
          "newFlavor",
          "requestedBy");

  @Test
  void aRunningLiveMigrationCarriesNovasFieldsWithItsJobsBytes() throws Exception {
    String moveId = liveMigrateWeb1();

    JsonNode shown = showUntil(moveId, j -> !j.get("memory_total_bytes").isNull());

    assertEquals(expectedKeys(), keys(shown), shown.toString());
    assertEquals(moveId, shown.get("moveId").asText());
    assertEquals("LIVE_MIGRATION", shown.get("type").asText());
    assertEquals(moveId, shown.get("id").asText());
    assertEquals(shown.get("instanceId"), shown.get("server_uuid"));
    assertEquals("a", shown.get("source_compute").asText());
    assertEquals("b", shown.get("dest_compute").asText());
    assertEquals("live-migration", shown.get("migration_type").asText());
    assertEquals("running", shown.get("status").asText());
    assertEquals("LiveMigrate", shown.get("step").get("activityType").asText(), shown.toString());
    assertEquals("migrating the running server", shown.get("step").get("step").asText());
    assertEquals(logTime(shown, 0), shown.get("created_at").asText());
    assertTrue(shown.get("updated_at").isNull(), "still running: " + shown);
    assertEquals(256L << 20, shown.get("memory_total_bytes").asLong());
    assertEquals(120L << 20, shown.get("memory_processed_bytes").asLong());
    assertEquals(136L << 20, shown.get("memory_remaining_bytes").asLong());
    assertEquals(0, shown.get("disk_total_bytes").asLong());
    assertEquals(0, shown.get("disk_processed_bytes").asLong());
    assertEquals(0, shown.get("disk_remaining_bytes").asLong());
    assertEquals("m1.small", shown.get("old_flavor").asText(), shown.toString());
    assertEquals("m1.small", shown.get("new_flavor").asText(), "a migration keeps its flavor");
    assertEquals(System.getProperty("user.name"), shown.get("user_id").asText(), "who asked");
    assertEquals("running", shown.get("progress").get("phase").asText(), shown.toString());
    assertEquals(120L << 20, shown.get("progress").get("memoryProcessedBytes").asLong());
    assertFalse(shown.get("live").get("options").isNull(), "its options line: " + shown);
    assertTrue(shown.get("evacuation").isNull(), shown.toString());
  }

  @Test
  void anEndedLiveMigrationHasNullBytesAndWasUpdatedAtItsLastStatusChange() throws Exception {
    String moveId = liveMigrateWeb1();

    JsonNode shown = showUntil(moveId, j -> j.get("finished").asBoolean());

    assertEquals(expectedKeys(), keys(shown), shown.toString());
    assertEquals("completed", shown.get("status").asText());
    assertEquals(logTime(shown, shown.get("log").size() - 1), shown.get("updated_at").asText());
    for (String unknown :
        List.of(
            "memory_total_bytes",
            "memory_processed_bytes",
            "memory_remaining_bytes",
            "disk_total_bytes",
            "disk_processed_bytes",
            "disk_remaining_bytes")) {
      assertTrue(shown.get(unknown).isNull(), unknown + ": " + shown);
    }
    assertTrue(shown.get("progress").isNull(), "no job runs: " + shown);
    assertTrue(shown.get("step").isNull(), "an ended move runs no step: " + shown);
    assertFalse(shown.get("live").get("totalTimeMs").isNull(), "its job time line: " + shown);
  }

  private String liveMigrateWeb1() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    try (FerryClient client = ferry.client()) {
      return client.live().migrate("web1", "b", null);
    }
  }

  /** {@code migration show MOVE --output json} polled until {@code wanted}. */
  private JsonNode showUntil(String moveId, Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      JsonNode shown = JSON.readTree(ok("--output", "json", "migration", "show", moveId).out());
      if (wanted.test(shown)) {
        return shown;
      }
      assertTrue(System.nanoTime() < deadline, "never as wanted: " + shown);
      Thread.sleep(50);
    }
  }

  private static List<String> expectedKeys() {
    List<String> keys = new ArrayList<>(VIEW_KEYS);
    NovaMigrationTest.KEYS.stream().filter(k -> !keys.contains(k)).forEach(keys::add);
    keys.addAll(List.of("live", "progress", "evacuation", "step"));
    return keys;
  }

  private static List<String> keys(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String logTime(JsonNode shown, int change) {
    return Instant.ofEpochMilli(shown.get("log").get(change).get("atMillis").asLong()).toString();
  }
}
