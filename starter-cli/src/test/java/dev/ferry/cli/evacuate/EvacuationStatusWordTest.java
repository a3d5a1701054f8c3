package dev.ferry.cli.evacuate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.Cli;
import dev.ferry.cli.FakeClusterTest;
import dev.ferry.client.FerryClient;
import dev.ferry.client.fakes.FakeInstance;
import dev.ferry.evacuate.EvacuationDetails;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One status word per evacuation in every command: {@code migration show} (by server and by move
 * id, table and JSON), {@code evacuate --wait} and {@code server show} say {@code done} until the
 * old host destroyed the stale copy and {@code completed} after; its notes are notes, never errors.
 * Host c is DOWN.
 */
@Timeout(60)
class EvacuationStatusWordTest extends FakeClusterTest {
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

  /** A server on DOWN host c with a host-local disk (its data is lost by an evacuation). */
  private InstanceRecord localDiskServer(String name) {
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
    return ferry.seed(r);
  }

  private static String row(Cli.Result r, String key) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).strip())
        .findFirst()
        .orElse(null);
  }

  /** The STATUS cell of the move's row in {@code server show}'s move history. */
  private String historyStatus(String server, String moveId) {
    Cli.Result shown = ok("server", "show", server);
    String line = shown.out().lines().filter(l -> l.startsWith(moveId)).findFirst().orElseThrow();
    return line.split("\\s+")[4];
  }

  private String migrationShowStatus(String target) throws Exception {
    Cli.Result text = ok("migration", "show", target);
    JsonNode json = JSON.readTree(ok("--output", "json", "migration", "show", target).out());
    String status = json.get("status").asText();
    assertEquals(status + " (finished)", row(text, "Status:"), text.toString());
    return status;
  }

  /** The old host's agent destroyed the stale copy on return: the record says completed. */
  private void staleCopyDestroyed(InstanceRecord vm, String moveId) throws InterruptedException {
    ferry
        .workflowClient()
        .newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(vm.id))
        .evacuationCompleted(moveId);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"completed".equals(historyStatus(vm.name, moveId))) {
      assertTrue(System.nanoTime() < deadline, "the record never said completed");
      Thread.sleep(50);
    }
  }

  @Test
  void migrationShowAndServerShowSayTheSameWordBeforeAndAfterTheStaleCopyIsGone() throws Exception {
    InstanceRecord vm = localDiskServer("vm1");
    String moveId = client.evacuation().evacuate("vm1", "b", null);
    client.moves().await(moveId, Set.of("done"), Duration.ofSeconds(20));

    assertEquals("done", historyStatus("vm1", moveId));
    assertEquals("done", migrationShowStatus("vm1"));
    assertEquals("done", migrationShowStatus(moveId));

    staleCopyDestroyed(vm, moveId);

    assertEquals("completed", historyStatus("vm1", moveId));
    assertEquals("completed", migrationShowStatus("vm1"));
    assertEquals("completed", migrationShowStatus(moveId));
    assertEquals("completed", client.moves().get("move:" + moveId).status());
    // what the evacuation did still shows with the later word
    Cli.Result shown = ok("migration", "show", moveId);
    assertEquals("rebuilt from base image " + FakeInstance.IMAGE, row(shown, "Disk:"), shown.out());
  }

  @Test
  void aHostEvacuationsMovesReadAsTheirServersRecordThem() throws Exception {
    InstanceRecord vm = localDiskServer("vm4");
    ok("host", "evacuate", "c", "--host", "b", "--wait");
    String moveId = client.moves().get("vm4").moveId();
    assertEquals("done", itemStatus());

    staleCopyDestroyed(vm, moveId);

    assertEquals("completed", itemStatus());
    assertEquals("completed", migrationShowStatus(moveId));
  }

  /** vm4's STATUS in {@code host evacuate c --show}, checked against its JSON twin. */
  private String itemStatus() throws Exception {
    Cli.Result shown = ok("host", "evacuate", "c", "--show");
    String line = shown.out().lines().filter(l -> l.startsWith("vm4 ")).findFirst().orElseThrow();
    String status = line.split("\\s+")[4];
    JsonNode json = JSON.readTree(ok("--output", "json", "host", "evacuate", "c", "--show").out());
    assertEquals(status, json.get("items").get(0).get("moveStatus").asText(), json.toString());
    return status;
  }

  @Test
  void evacuateWaitEndsWithTheEvacuationsNotesAndNoErrorForThem() {
    InstanceRecord vm = localDiskServer("vm2");

    Cli.Result r = ok("evacuate", "vm2", "--host", "b", "--wait");

    assertEquals("done (finished)", row(r, "Status:"), r.out());
    assertEquals("-", row(r, "Error:"), r.out());
    assertEquals("lost on c (the host-local disk stayed there)", row(r, "Local data:"), r.out());
    assertEquals(
        "the old disk " + vm.diskPath + " is left on c: delete it once the host is back",
        row(r, "Notes:"),
        r.out());
    assertTrue(
        r.out()
            .endsWith(
                "server vm2 was rebuilt on host b; its stale copy is destroyed when host c"
                    + " comes back\n"),
        r.out());
  }

  @Test
  void theRecordsNoteAboutThisEvacuationIsOneOfItsNotesOnce() {
    EvacuationDetails d = new EvacuationDetails("ipmi", "off", "none", false, 2, List.of("first"));
    assertEquals(
        List.of("first", "local data of vm3 is lost"),
        EvacuationViews.withNote(d, "local data of vm3 is lost").notes());
    assertSame(d, EvacuationViews.withNote(d, "first"), "a note already there is not repeated");
    assertSame(d, EvacuationViews.withNote(d, null));
  }
}
