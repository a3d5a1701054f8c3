package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end against an in-process Temporal with fake entities. */
class CommandsTest extends FakeClusterTest {
  private static final Pattern ISO_UTC =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static boolean has(String text, String regex) {
    return Pattern.compile(regex).matcher(text).find();
  }

  @Test
  void hostListAsTableAndAsJson() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    List<String> lines = ok("host", "list").out().lines().toList();
    assertEquals(
        List.of("NAME", "STATUS", "STATE", "FORCED-DOWN", "VCPUS", "MEMORY_MB", "DISK_GB"),
        List.of(lines.get(0).split("\\s+")));
    assertEquals(
        List.of("a", "UP", "enabled", "no", "1/4", "2048/4096", "20/40"),
        List.of(lines.get(1).split("\\s+")));
    assertEquals(
        List.of("d", "UP", "disabled", "no", "0/8", "0/8192", "0/80"),
        List.of(lines.get(4).split("\\s+")));

    JsonNode hosts = JSON.readTree(ok("host", "list", "--output", "json").out());
    assertEquals(4, hosts.size());
    assertEquals("c", hosts.get(2).get("record").get("name").asText());
    assertEquals("DOWN", hosts.get(2).get("record").get("status").asText());
  }

  @Test
  void aForcedDownHostIsDownInTheListAndTheShowWhateverItsAgentSays() throws Exception {
    ok("host", "set-down", "b");

    List<String> lines = ok("host", "list").out().lines().toList();
    assertEquals(
        List.of("b", "DOWN", "enabled", "yes"), List.of(lines.get(2).split("\\s+")).subList(0, 4));
    assertEquals(List.of("a", "UP"), List.of(lines.get(1).split("\\s+")).subList(0, 2));
    assertTrue(
        has(ok("host", "show", "b").out(), "Status:\\s+DOWN \\(forced down; its agent is UP\\)\n"));
    JsonNode b = JSON.readTree(ok("host", "list", "--output", "json").out()).get(1);
    assertEquals("DOWN", b.get("status").asText(), b.toString());
    assertEquals("UP", b.get("record").get("status").asText(), "the agent's own, as before");

    ok("host", "set-up", "b");
    assertEquals(
        List.of("b", "UP", "enabled", "no"),
        List.of(ok("host", "list").out().lines().toList().get(2).split("\\s+")).subList(0, 4));
  }

  @Test
  void flavorListIsTheCatalogWithoutConnecting() throws Exception {
    Cli.Result r = Cli.run(Cli::neverConnect, "flavor", "list");
    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(
        List.of("NAME", "VCPUS", "MEMORY_MB", "DISK_GB"), List.of(lines.get(0).split("\\s+")));
    assertEquals(List.of("m1.small", "1", "2048", "20"), List.of(lines.get(4).split("\\s+")));
    assertEquals(8, lines.size(), r.out());
    JsonNode json =
        JSON.readTree(Cli.run(Cli::neverConnect, "flavor", "list", "--output", "json").out());
    assertEquals("t1.nano", json.get(0).get("name").asText());
    assertEquals(128, json.get(0).get("memoryMb").asInt());
  }

  @Test
  void hostShowEnableDisableSetDownSetUp() {
    assertTrue(ok("host", "show", "a").out().contains("Hypervisor:"));
    assertEquals(
        "host a: disabled (patching)\n", ok("host", "disable", "a", "--reason", "patching").out());
    assertTrue(ok("host", "show", "a").out().contains("disabled (patching)"));
    assertEquals("host a: enabled\n", ok("host", "enable", "a").out());
    assertTrue(ok("host", "set-down", "b").out().startsWith("host b: forced down"));
    assertTrue(ok("host", "set-up", "b").out().startsWith("host b: no longer forced down"));
    refused(ExitStatus.NOT_FOUND, "unknown host 'zz'", "host", "show", "zz");
  }

  @Test
  void serverCreateListShowDelete() throws Exception {
    Cli.Result created =
        ok("server", "create", "--name", "web1", "--flavor", "m1.tiny", "--host", "a");
    assertTrue(has(created.out(), "VM state:\\s+ACTIVE"), created.out());

    List<String> lines = ok("server", "list").out().lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    String[] row = lines.get(1).split("\\s+");
    assertEquals(
        List.of("web1", "a", "m1.tiny", "ACTIVE", "ACTIVE", "NONE", "RUNNING"),
        List.of(row[0], row[2], row[3], row[4], row[5], row[6], row[7]));

    JsonNode shown = JSON.readTree(ok("--output", "json", "server", "show", "web1").out());
    assertEquals("web1", shown.get("name").asText());
    assertEquals("ACTIVE", shown.get("vmState").asText());

    refused(
        ExitStatus.CONFLICT,
        "server name 'web1' is taken",
        "server",
        "create",
        "--name",
        "web1",
        "--flavor",
        "m1.tiny",
        "--host",
        "b");
    refused(
        ExitStatus.NOT_FOUND,
        "unknown flavor 'm9.huge'",
        "server",
        "create",
        "--name",
        "web2",
        "--flavor",
        "m9.huge");

    assertTrue(ok("server", "delete", "web1").out().startsWith("deleted server web1 ("));
    assertEquals(1, ok("server", "list").out().lines().count());
  }

  @Test
  void migrateWaitShowConfirm() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    Cli.Result migrated = ok("migrate", "web1", "--host", "b", "--confirm-window", "0", "--wait");
    assertTrue(has(migrated.out(), "Status:\\s+finished\n"), migrated.out());
    assertTrue(migrated.out().contains("confirm with: ferry resize-confirm web1"), migrated.out());

    Cli.Result shown = ok("migration", "show", "web1");
    List<String> log = shown.out().lines().dropWhile(l -> !l.startsWith("TIME")).skip(1).toList();
    assertEquals(4, log.size(), shown.out());
    for (String entry : log) {
      assertTrue(ISO_UTC.matcher(entry.split("\\s+")[0]).matches(), entry);
    }
    assertEquals(
        List.of("POST_MIGRATING", "FINISHED_AT_DEST", "FINISHED", "ferry"),
        List.of(log.get(3).split("\\s+")).subList(1, 5));

    Cli.Result busy =
        refused(
            ExitStatus.CONFLICT,
            ", which waits for confirmation: confirm it ('ferry resize-confirm web1') or revert it"
                + " ('ferry resize-revert web1')",
            "migrate",
            "web1",
            "--host",
            "b");
    assertTrue(busy.err().contains("server web1 is busy with cold migration "), busy.toString());

    Cli.Result confirmed = ok("resize-confirm", "web1");
    assertTrue(has(confirmed.out(), "Status:\\s+confirmed \\(finished\\)"), confirmed.out());
    refused(
        ExitStatus.CONFLICT,
        "server web1 has no resize awaiting confirmation",
        "resize-confirm",
        "web1");
  }

  @Test
  void migrateWithoutWaitPrintsTheMoveId() throws Exception {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    JsonNode started = JSON.readTree(ok("migrate", "web1", "--output", "json").out());
    String moveId = started.get("moveId").asText();
    assertTrue(Names.isUuid(moveId), moveId);
    assertEquals(Names.moveWorkflowId(moveId), started.get("workflowId").asText());
    assertEquals("COLD_MIGRATION", started.get("type").asText());
  }

  @Test
  void aFailedMoveWithWaitExitsOne() {
    ferry.server("doomed1", "m1.tiny", "a", VmState.ACTIVE);
    refused(
        ExitStatus.FAILED,
        "no space left on destination",
        "migrate",
        "doomed1",
        "--host",
        "b",
        "--wait");
  }

  @Test
  void resizeRefusalsAreOneLine() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    refused(
        ExitStatus.INVALID,
        "server web1 already has flavor m1.small: pick another flavor ('ferry flavor list')",
        "resize",
        "web1",
        "--flavor",
        "m1.small");
    refused(
        ExitStatus.CONFLICT,
        "server web1 is already on host a: resizing on the same host is not allowed",
        "resize",
        "web1",
        "--flavor",
        "m1.medium",
        "--host",
        "a");
    refused(
        ExitStatus.NOT_FOUND,
        "unknown destination host 'zz'",
        "resize",
        "web1",
        "--flavor",
        "m1.medium",
        "--host",
        "zz");
    refused(ExitStatus.CONFLICT, "destination host c is DOWN", "migrate", "web1", "--host", "c");
    refused(ExitStatus.NOT_FOUND, "unknown server 'nope'", "migrate", "nope");
  }

  @Test
  void resizeWaitThenRevert() {
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    ok("resize", "web1", "--flavor", "m1.small", "--host", "b", "--wait");
    Cli.Result reverted = ok("resize-revert", "web1");
    assertTrue(reverted.out().contains("reverted (finished)"), reverted.out());
  }

  @Test
  void migrationCancelUndoesARunningMoveAndRevertsOneInVerifyResize() {
    ferry.server("slow1", "m1.tiny", "a", VmState.ACTIVE); // waits in migrating until cancelled
    ok("migrate", "slow1", "--host", "b");

    Cli.Result cancelled = ok("migration", "cancel", "slow1");

    assertTrue(cancelled.out().contains("is cancelled: the server stays on a"), cancelled.out());
    assertTrue(has(cancelled.out(), "Status:\\s+cancelled \\(finished\\)"), cancelled.out());
    Cli.Result show = ok("migration", "show", "slow1");
    assertTrue(has(show.out(), "MIGRATING\\s+CANCEL\\s+CANCELLED\\s+cancel"), show.out());
    // The move's summary: from a to b, though the server stayed on a.
    Cli.Result server = ok("server", "show", "slow1");
    assertTrue(has(server.out(), "\\sa\\s+b\\s+cancelled\\s"), server.out());

    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    ok("resize", "web1", "--flavor", "m1.small", "--host", "b", "--wait");
    Cli.Result reverted = ok("migration", "cancel", "web1");
    assertTrue(reverted.out().contains("is reverted: the server stays on a"), reverted.out());
    assertTrue(has(ok("migration", "show", "web1").out(), "REVERT\\s+REVERTING\\s+cancel"));
    refused(
        ExitStatus.CONFLICT, "server web1 has no move in progress", "migration", "cancel", "web1");
  }

  @Test
  void historyExportToStdoutAndToAFile(@TempDir Path dir) throws Exception {
    JsonNode history = JSON.readTree(ok("history", "export", Names.PLACEMENT_WORKFLOW_ID).out());
    assertTrue(history.get("events").size() > 0);

    Path file = dir.resolve("sub/placement.json");
    Cli.Result r = ok("history", "export", Names.PLACEMENT_WORKFLOW_ID, "-o", file.toString());
    assertTrue(r.out().startsWith("wrote the history of ferry-placement to "), r.out());
    assertTrue(JSON.readTree(Files.readString(file)).get("events").size() > 0);

    refused(ExitStatus.NOT_FOUND, "no workflow 'nope'", "history", "export", "nope");
  }
}
