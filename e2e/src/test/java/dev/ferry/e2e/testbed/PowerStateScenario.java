package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The record follows the hypervisor: changes made with virsh behind Ferry's back reach {@code
 * server show} within the bound, moves refuse a paused server, and a cold migration keeps a server
 * that was shut off from inside shut off. Returns the measured virsh-to-record latencies.
 */
final class PowerStateScenario {

  /** What the record must follow within: the bound, plus one CLI call to look at it. */
  static final Duration BOUND = Duration.ofSeconds(5);

  private static final Duration CLI_CALL = Duration.ofSeconds(3);

  private final Testbed bed;
  private final TestbedFerry ferry;
  private final List<String> latencies = new ArrayList<>();

  PowerStateScenario(Testbed bed, TestbedFerry ferry) {
    this.bed = bed;
    this.ferry = ferry;
  }

  /**
   * Runs the scenario on server {@code name} (ACTIVE on {@code host}, id {@code id}), ending with
   * it on {@code other}, its domain undefined there and the record in ERROR. Returns the latencies.
   */
  List<String> run(String name, String id, String host, String other) {
    virshThenAwait("suspend", host, id, name, "PAUSED");
    assertRefused("migrate", name, "--host", other);
    assertRefused("resize", name, "--flavor", "t1.micro");

    virshThenAwait("resume", host, id, name, "ACTIVE");
    virshThenAwait("managedsave", host, id, name, "SUSPENDED");
    assertRefused("migrate", name, "--host", other);
    virshThenAwait("start", host, id, name, "ACTIVE"); // restores the saved image

    // shut off from inside (the guest's ACPI handler powers it off)
    virshThenAwait("shutdown", host, id, name, "STOPPED");
    ferry.ferry("migrate", name, "--host", other, "--confirm-window", "0", "--wait").expectOk();
    assertEquals("shut off", bed.domState(other, id), "the move kept the guest off");
    ferry.ferry("resize-confirm", name).expectOk();
    JsonNode moved = ferry.server(name);
    assertEquals("STOPPED", moved.get("vmState").asText(), moved::toString);
    assertEquals(other, moved.get("host").asText(), moved::toString);
    assertEquals("shut off", bed.domState(other, id), "still off after the confirm");

    // the server actions on real QEMU: each leaves the guest as it says. Each waits for the guest
    // to have booted (its ACPI handler runs): a guest still booting ignores ACPI, and a graceful
    // stop or reboot would wait out the 60 s window before its destroy.
    int beforeStart = bed.consoleLines(id).size();
    action("start", name, "ACTIVE");
    assertEquals("running", bed.domState(other, id));
    awaitBooted(id, beforeStart);
    int beforeReboot = bed.consoleLines(id).size();
    action("reboot", name, "ACTIVE"); // the guest's ACPI handler powers off, then it starts again
    assertEquals("running", bed.domState(other, id));
    awaitBooted(id, beforeReboot);
    action("stop", name, "STOPPED");
    assertEquals("shut off", bed.domState(other, id));

    virshThenAwait("undefine", other, id, name, "ERROR");
    JsonNode missing = ferry.server(name);
    assertEquals(
        "domain missing on host " + other, missing.get("lastError").asText(), missing::toString);
    return latencies;
  }

  /** Runs {@code virsh ACTION} on the host, then waits until the record's vm state follows. */
  private void virshThenAwait(String action, String host, String id, String name, String vm) {
    bed.virsh(host, action, id).expectOk();
    long t0 = System.nanoTime();
    JsonNode seen =
        ferry.awaitServer(
            name, s -> vm.equals(s.get("vmState").asText()), BOUND.plus(CLI_CALL).plus(CLI_CALL));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    latencies.add("virsh " + action + " -> " + vm + ": " + ms + " ms (CLI polls included)");
    BedChecks.log(latencies.get(latencies.size() - 1) + "; " + seen.get("powerState"));
  }

  /** The guest's next boot after console line {@code since} is up: its second heartbeat. */
  private void awaitBooted(String id, int since) {
    Testbed.Match boot =
        bed.awaitConsoleLine(id, since, "^FERRY-GUEST boot ", Duration.ofMinutes(2));
    bed.awaitConsole(id, boot.index() + 1, "^HEARTBEAT 2 ", Duration.ofMinutes(2));
  }

  /** {@code ferry server ACTION NAME --wait} succeeds and leaves the record in {@code vm}. */
  private void action(String action, String name, String vm) {
    long t0 = System.nanoTime();
    ferry.ferry("server", action, name, "--wait").expectOk();
    JsonNode after = ferry.server(name);
    assertEquals(vm, after.get("vmState").asText(), () -> action + ": " + after);
    latencies.add("server " + action + " --wait: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
  }

  /** A move of a server in a state it does not allow: refused as a conflict, nothing started. */
  private void assertRefused(String... command) {
    JsonNode before = ferry.server(command[1]);
    Cmd.Result refused = ferry.ferry(command);
    assertEquals(4, refused.exitCode(), refused::all); // CONFLICT
    JsonNode after = ferry.server(command[1]);
    assertTrue(after.path("currentMoveId").isNull() || after.path("currentMoveId").isMissingNode());
    assertEquals(before.get("moves"), after.get("moves"), "a refused move left a record");
  }
}
