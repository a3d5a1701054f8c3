package dev.ferry.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.Cli;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code server list} and {@code server show}: Nova's derived status beside the vm, task and power
 * state; a resize waiting in VERIFY_RESIZE shown where the guest runs now and where it came from; a
 * note never shown as an error.
 */
@Timeout(60)
class ServerStatusShownTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InstanceRecord seed(String name, VmState vm, PowerState power) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = name;
    r.flavor = Flavors.require("m1.tiny");
    r.host = "a";
    r.vmState = vm;
    r.powerState = power;
    r.createdAtMillis = 1_700_000_000_000L;
    return ferry.seed(r);
  }

  /** The value of the {@code key} row of a details table, or null when there is none. */
  private static String row(Cli.Result r, String key) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).strip())
        .findFirst()
        .orElse(null);
  }

  /** web1 (m1.small on a) resized to m1.medium on b, waiting in VERIFY_RESIZE. */
  private void resizedWaitingForADecision() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    ok("resize", "web1", "--flavor", "m1.medium", "--host", "b", "--confirm-window", "0", "--wait");
  }

  @Test
  void listAndShowGiveNovasStatusBesideTheStatesForEveryKindOfServer() throws Exception {
    seed("on", VmState.ACTIVE, PowerState.RUNNING);
    seed("off", VmState.STOPPED, PowerState.SHUTDOWN);
    seed("paused", VmState.PAUSED, PowerState.PAUSED);
    seed("saved", VmState.SUSPENDED, PowerState.SHUTDOWN);
    seed("crashed", VmState.ERROR, PowerState.CRASHED);
    resizedWaitingForADecision();
    Map<String, String> expected =
        Map.of(
            "on", "ACTIVE",
            "off", "SHUTOFF",
            "paused", "PAUSED",
            "saved", "SUSPENDED",
            "crashed", "ERROR",
            "web1", "VERIFY_RESIZE");

    List<String> lines = ok("server", "list").out().lines().toList();
    List<String> header = List.of(lines.get(0).split("\\s+"));
    int status = header.indexOf("STATUS");
    int vmState = header.indexOf("VM_STATE");
    assertEquals(vmState - 1, status, "STATUS stands beside VM_STATE: " + header);
    Map<String, String> listed = new HashMap<>();
    Map<String, String> listedVm = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\\s+");
      listed.put(cells[0], cells[status]);
      listedVm.put(cells[0], cells[vmState]);
    }
    assertEquals(expected, listed, lines.toString());
    assertEquals("SUSPENDED", listedVm.get("saved"), lines.toString());
    assertEquals("RESIZED", listedVm.get("web1"), lines.toString());

    JsonNode json = JSON.readTree(ok("--output", "json", "server", "list").out());
    assertEquals(expected.size(), json.size(), json.toString());
    for (JsonNode s : json) {
      String name = s.get("name").asText();
      assertEquals(expected.get(name), s.get("status").asText(), s.toString());
      // the record's own fields stay as they were, at the top level
      assertTrue(s.has("vmState") && s.has("taskState") && s.has("powerState"), s.toString());
      assertFalse(s.has("record"), s.toString());
    }

    for (Map.Entry<String, String> e : expected.entrySet()) {
      Cli.Result shown = ok("server", "show", e.getKey());
      assertEquals(e.getValue(), row(shown, "Status:"), shown.toString());
      JsonNode one = JSON.readTree(ok("--output", "json", "server", "show", e.getKey()).out());
      assertEquals(e.getValue(), one.get("status").asText(), one.toString());
    }
    assertEquals("SUSPENDED", row(ok("server", "show", "saved"), "VM state:"));
  }

  @Test
  void createPrintsTheStatusAsShowDoes() throws Exception {
    JsonNode created =
        JSON.readTree(
            ok("--output", "json", "server", "create", "--name", "new1", "--flavor", "m1.tiny")
                .out());
    assertEquals("ACTIVE", created.get("status").asText(), created.toString());
    assertEquals("ACTIVE", created.get("vmState").asText(), created.toString());
    Cli.Result text = ok("server", "create", "--name", "new2", "--flavor", "m1.tiny");
    assertEquals("ACTIVE", row(text, "Status:"), text.toString());
  }

  @Test
  void showInVerifyResizeSaysWhereTheGuestRunsNowAndWhereItCameFrom() throws Exception {
    resizedWaitingForADecision();

    Cli.Result shown = ok("server", "show", "web1");
    assertEquals("b", row(shown, "Host:"), shown.toString());
    assertTrue(row(shown, "Flavor:").startsWith("m1.medium ("), shown.toString());
    assertEquals("a (m1.small)", row(shown, "Resized from:"), shown.toString());
    assertEquals("VERIFY_RESIZE", row(shown, "Status:"), shown.toString());

    JsonNode json = JSON.readTree(ok("--output", "json", "server", "show", "web1").out());
    assertEquals("b", json.get("host").asText(), json.toString());
    assertEquals("m1.medium", json.get("flavor").get("name").asText(), json.toString());
    assertEquals("a", json.get("resizedFromHost").asText(), json.toString());
    assertEquals("m1.small", json.get("resizedFromFlavor").get("name").asText(), json.toString());

    // the list says the same; the move itself still names where it came from and goes to
    String listed =
        ok("server", "list").out().lines().filter(l -> l.startsWith("web1 ")).findFirst().get();
    assertEquals(
        List.of("b", "m1.medium", "VERIFY_RESIZE"),
        List.of(listed.split("\\s+")).subList(2, 5),
        listed);
    Cli.Result move = ok("migration", "show", "web1");
    assertEquals("a", row(move, "Source host:"), move.out());
    assertEquals("b", row(move, "Destination host:"), move.out());

    ok("resize-revert", "web1", "--wait");
    Cli.Result reverted = ok("server", "show", "web1");
    assertEquals("a", row(reverted, "Host:"), reverted.toString());
    assertTrue(row(reverted, "Flavor:").startsWith("m1.small ("), reverted.toString());
    assertNull(row(reverted, "Resized from:"), reverted.toString());
    assertEquals("ACTIVE", row(reverted, "Status:"), reverted.toString());
  }

  @Test
  void aNoteIsShownAsANoteAndNeverAsAnError() throws Exception {
    String note = "local data of noted1 is lost: rebuilt from base image cirros";
    ferry.seed(record("noted1", note, null));
    ferry.seed(record("failed1", note, "rebuild failed: no space left"));
    ferry.seed(record("plain1", null, null));

    Cli.Result shown = ok("server", "show", "noted1");
    assertEquals(note, row(shown, "Note:"), shown.toString());
    assertEquals("-", row(shown, "Last error:"), shown.toString());
    JsonNode json = JSON.readTree(ok("--output", "json", "server", "show", "noted1").out());
    assertEquals(note, json.get("note").asText(), json.toString());
    assertTrue(json.get("lastError").isNull(), json.toString());

    Cli.Result both = ok("server", "show", "failed1");
    assertEquals(note, row(both, "Note:"), both.toString());
    assertEquals("rebuild failed: no space left", row(both, "Last error:"), both.toString());

    assertNull(row(ok("server", "show", "plain1"), "Note:"), "no note, no Note row");
  }

  private static InstanceRecord record(String name, String note, String lastError) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = name;
    r.flavor = Flavors.require("m1.tiny");
    r.host = "b";
    r.vmState = VmState.ACTIVE;
    r.powerState = PowerState.RUNNING;
    r.note = note;
    r.lastError = lastError;
    return r;
  }
}
