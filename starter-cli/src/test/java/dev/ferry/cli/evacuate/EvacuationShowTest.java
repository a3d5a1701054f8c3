package dev.ferry.cli.evacuate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.Cli;
import dev.ferry.cli.ExitStatus;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.client.FerryClient;
import dev.ferry.client.fakes.FakeEvacuation;
import dev.ferry.client.fakes.FakeInstance;
import dev.ferry.evacuate.EvacuationDetails;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ferry migration show} of an evacuation, against fake entities and a fake evacuation
 * ({@link FakeEvacuation}): the fencing, disk, lost-data and notes rows. Host c is DOWN.
 */
@Timeout(60)
class EvacuationShowTest extends FakeClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FerryClient client;

  @BeforeEach
  void openClient() {
    client = ferry.client();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  /** A server on DOWN host c with a host-local disk (shared: false) or a shared one. */
  private InstanceRecord serverWithDisk(String name, boolean shared) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = name;
    r.flavor = Flavors.require("m1.small");
    r.host = "c";
    r.vmState = VmState.ACTIVE;
    r.powerState = PowerState.RUNNING;
    r.createdAtMillis = 1_700_000_000_000L;
    r.baseImage = FakeInstance.IMAGE;
    r.diskPath = "/var/lib/ferry/disks/" + r.id + ".qcow2";
    r.sharedStorage = shared;
    return ferry.seed(r);
  }

  private String evacuateToDone(String server, String fence) {
    String moveId = client.evacuation().evacuate(server, "b", fence);
    client.moves().await(moveId, Set.of("done"), Duration.ofSeconds(20));
    return moveId;
  }

  /** The value of the {@code key} row, or null when there is none. */
  private static String row(Cli.Result r, String key) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).strip())
        .findFirst()
        .orElse(null);
  }

  @Test
  void aRebuiltEvacuationShowsItsFencingDiskLostDataAndNotes() {
    InstanceRecord vm = serverWithDisk("vm1", false);
    String moveId = evacuateToDone("vm1", null);

    Cli.Result r = ferry("migration", "show", "vm1");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertEquals("", r.err(), r.toString());
    assertEquals(
        "libvirt-destroy: destroyed domain vm1 on host c through " + FakeEvacuation.LIBVIRT_URI,
        row(r, "Fencing:"),
        r.toString());
    assertEquals("rebuilt from base image " + FakeInstance.IMAGE, row(r, "Disk:"), r.toString());
    assertEquals(
        "lost on c (the host-local disk stayed there)", row(r, "Local data:"), r.toString());
    assertEquals(
        "the old disk " + vm.diskPath + " is left on c: delete it once the host is back",
        row(r, "Notes:"),
        r.toString());
    // one table: the evacuation's rows line up with the move's
    List<String> lines = r.out().lines().toList();
    int column = lines.get(0).indexOf(moveId);
    assertTrue(column > 0, r.toString());
    assertEquals(
        column,
        lines.stream().filter(l -> l.startsWith("Disk:")).findFirst().get().indexOf("rebuilt"),
        r.toString());
    // the same move by id, and the log still follows
    Cli.Result byId = ferry("migration", "show", moveId);
    assertEquals(row(r, "Fencing:"), row(byId, "Fencing:"), byId.toString());
    assertTrue(byId.out().lines().anyMatch(l -> l.startsWith("TIME")), byId.toString());
  }

  @Test
  void aSharedDiskIsReusedAndNoDataIsLost() {
    InstanceRecord vm = serverWithDisk("vm2", true);
    evacuateToDone("vm2", "confirmed-off");

    Cli.Result r = ferry("migration", "show", "vm2");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    String fencing = row(r, "Fencing:");
    assertNotNull(fencing, r.toString());
    assertTrue(fencing.startsWith("confirmed-off: operator "), r.toString());
    assertTrue(fencing.endsWith(" confirmed host c is powered off"), r.toString());
    assertEquals("shared (reused on the destination)", row(r, "Disk:"), r.toString());
    assertNull(row(r, "Local data:"), r.toString());
    assertEquals("reused the shared disk " + vm.diskPath, row(r, "Notes:"), r.toString());
  }

  @Test
  void aServerWithoutDiskShowsDiskNone() {
    ferry.server("vm3", "m1.small", "c", VmState.ERROR);
    evacuateToDone("vm3", null);

    Cli.Result r = ferry("migration", "show", "vm3");

    assertEquals("none", row(r, "Disk:"), r.toString());
    assertNull(row(r, "Notes:"), r.toString());
  }

  @Test
  void aNotYetFencedEvacuationSaysSoAndHasNoDiskRow() {
    serverWithDisk("hold1", false);
    String moveId = client.evacuation().evacuate("hold1", "b", null);

    Cli.Result r = ferry("migration", "show", "hold1");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    assertEquals("not yet", row(r, "Fencing:"), r.toString());
    assertNull(row(r, "Disk:"), r.toString());
    assertNull(row(r, "Local data:"), r.toString());
    EvacuationDetails d = client.evacuation().details("move:" + moveId);
    assertNotNull(d);
    assertNull(d.fenceMethod());
  }

  @Test
  void everyNoteHasItsLineAndAnEvacuationRefusedBeforeFencingSaysSo() {
    MoveView refused =
        new MoveView(
            "m1", MoveType.EVACUATION, "i1", "c", "b", "failed", true, List.of(), "HOST_IN_USE");
    EvacuationDetails none = new EvacuationDetails(null, null, "none", false, 2, List.of());
    assertEquals(
        "Fencing:   none (ended before fencing)\n",
        EvacuationViews.details(TableWriter.details(), refused, none, null).render());

    MoveView done =
        new MoveView("m2", MoveType.EVACUATION, "i2", "c", "b", "done", true, List.of(), null);
    EvacuationDetails notes =
        new EvacuationDetails(
            "ipmi", "powered off host c", "shared", false, 2, List.of("first", "second"));
    assertEquals(
        "Fencing:   ipmi: powered off host c\n"
            + "Disk:      shared (reused on the destination)\n"
            + "Notes:     first\n"
            + "           second\n",
        EvacuationViews.details(TableWriter.details(), done, notes, null).render());
  }

  @Test
  void jsonIsTheMoveViewWithWhatItsTableShowsBeside() throws Exception {
    InstanceRecord vm = serverWithDisk("vm4", false);
    String moveId = evacuateToDone("vm4", null);
    Cli.Result table = ok("migration", "show", "vm4");

    Cli.Result r = ferry("--output", "json", "migration", "show", "vm4");

    assertEquals(ExitStatus.OK, r.exit(), r.toString());
    JsonNode shown = JSON.readTree(r.out());
    assertEquals(moveId, shown.get("moveId").asText());
    assertEquals("EVACUATION", shown.get("type").asText());
    assertFalse(shown.has("fencing"), "the view's own keys stay as they were: " + r);
    assertEquals(moveId, shown.get("id").asText());
    assertEquals(vm.id, shown.get("server_uuid").asText());
    assertEquals("evacuation", shown.get("migration_type").asText());
    assertTrue(shown.get("memory_total_bytes").isNull(), "no job reports bytes: " + r);
    JsonNode details = shown.get("evacuation").get("details");
    assertEquals(
        row(table, "Fencing:"),
        details.get("fenceMethod").asText() + ": " + details.get("fencing").asText(),
        r.toString());
    assertEquals("rebuilt-from-base-image", details.get("disk").asText(), r.toString());
    assertEquals(
        FakeInstance.IMAGE, shown.get("evacuation").get("rebuiltFromImage").asText(), r.toString());
    assertTrue(details.get("localDataLost").asBoolean(), r.toString());
    List<String> notes = new ArrayList<>();
    details.get("notes").forEach(n -> notes.add(n.asText()));
    assertTrue(notes.contains(row(table, "Notes:")), r.toString());
    assertTrue(shown.get("live").isNull(), r.toString());
  }

  @Test
  void anUnknownMoveIsStillTheOneLineError() {
    String id = UUID.randomUUID().toString();

    Cli.Result r = ferry("migration", "show", id);

    assertEquals(ExitStatus.NOT_FOUND, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), r.toString());
    assertTrue(r.err().startsWith("ferry: error: no server or move '" + id + "'"), r.toString());
    assertEquals("", r.out(), r.toString());
  }

  @Test
  void detailsAreNullForAnUnknownMoveAndForOtherMoves() {
    assertNull(client.evacuation().details(UUID.randomUUID().toString()));
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    String resize = client.resizes().migrate("web1", "b", null);

    assertNull(client.evacuation().details(resize));
  }
}
