package dev.ferry.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.HostListing;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.PowerState;
import dev.ferry.model.Resources;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table renderings and their JSON twins. */
class ViewsTest {
  private static HostListing host(String name, boolean enabled, boolean forcedDown) {
    HostRecord r = new HostRecord();
    r.name = name;
    r.status = HostStatus.UP;
    r.enabled = enabled;
    r.forcedDown = forcedDown;
    r.inventory = new HostInventory(4, 4096, 40, 4.0, 1.0, 1.0);
    return new HostListing(r, r.inventory.capacity(), new Resources(2, 640, 2));
  }

  private static InstanceRecord server() {
    InstanceRecord r = new InstanceRecord();
    r.id = "0c6f7f0e-1b8e-4a8e-9d7e-6a1f0e8d9c01";
    r.name = "web1";
    r.host = "a";
    r.flavor = Flavors.require("t1.nano");
    r.vmState = VmState.ACTIVE;
    r.powerState = PowerState.RUNNING;
    return r;
  }

  @Test
  void hostListShowsStateAndUsedOverCapacityAndAForcedDownHostAsDown() {
    String table =
        Views.hostTable(List.of(host("a", true, false), host("bb", false, true))).render();
    assertEquals(
        "NAME   STATUS   STATE      FORCED-DOWN   VCPUS   MEMORY_MB   DISK_GB\n"
            + "a      UP       enabled    no            2/16    640/4096    2/40\n"
            + "bb     DOWN     disabled   yes           2/16    640/4096    2/40\n",
        table);
  }

  @Test
  void serverListHasTheNovaColumns() {
    String table = Views.serverTable(List.of(server())).render();
    List<String> lines = table.lines().toList();
    assertEquals(
        List.of("NAME", "ID", "HOST", "FLAVOR", "STATUS", "VM_STATE", "TASK_STATE", "POWER_STATE"),
        List.of(lines.get(0).split("\\s+")));
    assertEquals(
        List.of(
            "web1",
            "0c6f7f0e-1b8e-4a8e-9d7e-6a1f0e8d9c01",
            "a",
            "t1.nano",
            "ACTIVE",
            "ACTIVE",
            "NONE",
            "RUNNING"),
        List.of(lines.get(1).split("\\s+")));
  }

  @Test
  void theMoveLogHasIsoUtcTimesAndActors() {
    MoveView v =
        new MoveView(
            "m1",
            MoveType.RESIZE,
            "i1",
            "a",
            "b",
            "finished",
            false,
            List.of(
                new Change(null, null, "PRE_MIGRATING", 1_700_000_000_000L, "ferry"),
                new Change("FINISHED", "CONFIRM", "CONFIRMING", 1_700_000_061_500L, "alice")),
            null);
    List<String> lines = Views.moveLog(v).render().lines().toList();
    assertEquals(List.of("TIME", "FROM", "EVENT", "TO", "ACTOR"), words(lines.get(0)));
    assertEquals(
        List.of("2023-11-14T22:13:20Z", "-", "-", "PRE_MIGRATING", "ferry"), words(lines.get(1)));
    assertEquals(
        List.of("2023-11-14T22:14:21.500Z", "FINISHED", "CONFIRM", "CONFIRMING", "alice"),
        words(lines.get(2)));
  }

  private static List<String> words(String line) {
    return List.of(line.split("\\s+"));
  }

  @Test
  void jsonIsTheSameObject() throws Exception {
    StringWriter s = new StringWriter();
    Output out = new Output(new PrintWriter(s), OutputFormat.json);
    out.emit(
        List.of(host("a", true, false)),
        () -> {
          throw new AssertionError("no table in json mode");
        });
    JsonNode json = new ObjectMapper().readTree(s.toString());
    assertEquals("a", json.get(0).get("record").get("name").asText());
    assertEquals(16, json.get(0).get("capacity").get("vcpus").asInt());
    assertTrue(s.toString().contains("\n  "), "pretty printed");
  }
}
