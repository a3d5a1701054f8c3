package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server actions as an operator runs them, on libvirt test:/// hosts behind the embedded engine:
 * each action changes the guest and the record, what the state does not allow is refused with exit
 * 4 and changes nothing, and the way back from ERROR is reset-state or reconcile.
 */
class ServerActionsIT {
  private static final int CONFLICT = 4;

  private static FerryCluster cluster;

  @BeforeAll
  static void up() {
    cluster = new FerryCluster();
    cluster.up("h1", "h2");
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JsonNode show(String server) {
    return cluster.json("server", "show", server);
  }

  /** Runs {@code ferry server ACTION SERVER --wait}; the server is then in {@code vmState}. */
  private static void act(String action, String server, String vmState) {
    JsonNode done = cluster.json("server", action, server, "--wait");
    assertTrue(done.get("succeeded").asBoolean(), done::toString);
    JsonNode shown = show(server);
    assertEquals(vmState, shown.get("vmState").asText(), () -> action + ": " + shown);
    assertEquals("NONE", shown.get("taskState").asText(), shown::toString);
  }

  /** {@code ferry ARGS} about {@code server} is refused as a conflict and changes nothing. */
  private static void refused(String server, String... args) {
    JsonNode before = show(server);
    Processes.Result r = cluster.ferry(args);
    assertEquals(CONFLICT, r.exitCode(), r::all);
    assertTrue(r.stderr().startsWith("ferry: error: "), r::all);
    JsonNode after = show(server);
    assertEquals(before.get("actions"), after.get("actions"), "a refusal left an action");
    assertEquals(before.get("moves"), after.get("moves"), "a refusal left a move");
  }

  @Test
  void everyActionChangesTheGuestAndTheRecordAndTheStateDecidesWhatIsAllowed() {
    cluster.json("server", "create", "--name", "act1", "--flavor", "m1.tiny", "--host", "h1");

    act("pause", "act1", "PAUSED");
    refused("act1", "server", "pause", "act1");
    refused("act1", "migrate", "act1", "--host", "h2"); // Nova cold-migrates ACTIVE or SHUTOFF only
    act("unpause", "act1", "ACTIVE");
    act("suspend", "act1", "SUSPENDED");
    refused("act1", "server", "stop", "act1");
    act("resume", "act1", "ACTIVE");
    act("stop", "act1", "STOPPED");
    refused("act1", "server", "stop", "act1");
    act("start", "act1", "ACTIVE");
    act("reboot", "act1", "ACTIVE");
    JsonNode hard = cluster.json("server", "reboot", "--hard", "act1", "--wait");
    assertTrue(hard.get("succeeded").asBoolean(), hard::toString);

    JsonNode actions = show("act1").get("actions");
    assertEquals(8, actions.size(), actions::toString);
    assertEquals("HARD_REBOOT", actions.get(7).get("action").asText(), actions::toString);
    assertEquals(
        System.getProperty("user.name"), actions.get(0).get("requestedBy").asText(), "who asked");
    assertEquals(0, cluster.json("migration", "list", "--server", "act1").size(), "no moves");
    cluster.json("server", "delete", "act1");
  }

  @Test
  void aServerInErrorComesBackThroughResetStateOrReconcile() {
    cluster.json("server", "create", "--name", "err1", "--flavor", "m1.tiny", "--host", "h2");
    JsonNode reset = cluster.json("server", "reset-state", "err1");
    assertEquals("ERROR", reset.get("vmState").asText(), reset::toString);
    refused("err1", "migrate", "err1", "--host", "h1"); // ERROR is evacuated, not migrated

    JsonNode reconciled = cluster.json("server", "reconcile", "err1", "--wait");
    assertTrue(reconciled.get("succeeded").asBoolean(), reconciled::toString);
    assertTrue(
        reconciled.get("message").asText().startsWith("found RUNNING on h2"), reconciled::toString);
    JsonNode back = show("err1");
    assertEquals("ACTIVE", back.get("vmState").asText(), back::toString);
    assertTrue(back.get("lastError").isNull(), back::toString);

    cluster.json("server", "reset-state", "err1", "--error");
    assertEquals(
        "ACTIVE",
        cluster.json("server", "reset-state", "err1", "--active").get("vmState").asText());
    cluster.json("server", "delete", "err1");
  }

  @Test
  void anActionOnAServerWhoseHostIsForcedDownIsRefused() {
    cluster.json("server", "create", "--name", "down1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("host", "set-down", "h1");
    try {
      refused("down1", "server", "stop", "down1");
    } finally {
      cluster.json("host", "set-up", "h1");
    }
    cluster.json("server", "delete", "down1");
  }
}
