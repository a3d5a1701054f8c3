package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.e2e.WebUiPages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Ferry end to end on the REAL test bed: three simulated hosts, each a libvirtd in its own
 * namespaces with a Ferry host agent started inside its mount and UTS namespaces; the engine and
 * the conductor from scripts/cluster.sh; QEMU (TCG) busybox guests with a root disk; every request
 * through the {@code ferry} CLI. Each scenario asserts on libvirt (virsh over the hosts' unix
 * sockets), on the disks, and on the guest's serial console, and checks the guest's health after
 * every move (an oops fails the test: it is never retried away).
 *
 * <p>Needs root (namespaces, libvirtd, apt-get for what is missing). Skipped when not root unless
 * CI=true (then it fails: CI must run it), or when FERRY_TESTBED_SKIP=1. The scenarios share one
 * cluster and run in order: later ones start from where earlier ones left the guests. The
 * live-migration and evacuation scenarios run once their commands exist in the CLI (skipped as
 * PENDING before); timings go to {@code e2e/target/testbed-timings.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class RealTestbedIT {
  private static final List<String> HOSTS = List.of("host-a", "host-b", "host-c");

  /**
   * Disk copies are capped so the agent-kill and cancel scenarios can catch one in the middle: a
   * guest's 32 MiB take 8 s, while one {@code ferry} command takes about 2 s to start and answer.
   */
  private static final int COPY_MIB_PER_SECOND = 4;

  /** MiB of random data each new guest writes to its disk at first boot (and checks later). */
  private static final int DISK_FILL_MIB = 32;

  /** MemTotal a guest reports for 128 MiB (t1.nano) and for 192 MiB (t1.micro). */
  private static final long NANO_MEM_KIB_MAX = 100_000;

  private static final long MICRO_MEM_KIB_MIN = 150_000;

  private static final Timings TIMINGS = new Timings();
  private static Testbed bed;
  private static TestbedFerry ferry;
  private static BedChecks checks;
  private static BedSuite suite;

  /** The instance the cold-move scenarios carry from host to host, and what its disk holds. */
  private static String coldId;

  private static String diskMarker;

  /** live1's first live migration (scenario 6), looked at in the Web UI later. */
  private static String liveMoveId;

  /**
   * Servers the running scenario created for itself (the agents-killed and drain scenarios): a
   * scenario that fails before its own delete must not fail the later ones by leaving its guest.
   */
  private static final Set<String> ownServers = new LinkedHashSet<>();

  @BeforeAll
  @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
  static void setUp() {
    suite =
        BedSuite.up(
            "",
            "/var/tmp/ferry-e2e-testbed",
            "ferrye2e",
            HOSTS,
            Map.of(
                "FERRY_TB_COPY_MIBPS", Integer.toString(COPY_MIB_PER_SECOND),
                "FERRY_TB_DISKFILL", Integer.toString(DISK_FILL_MIB)),
            TIMINGS);
    bed = suite.bed;
    ferry = suite.ferry;
    checks = suite.checks;
  }

  @AfterAll
  static void tearDown() {
    if (suite != null) {
      suite.down("testbed-timings.txt");
    }
  }

  /**
   * Deletes what a failed scenario left of its own servers, through Ferry as a user would (the last
   * scenario still checks that every delete left nothing behind on the hosts).
   */
  @AfterEach
  void deleteWhatTheScenarioLeft() {
    for (String name : ownServers) {
      if (ferry.ferry("server", "show", name).ok()) {
        BedChecks.log(name + " was left by a failed scenario: deleting it");
        ferry.ferry("server", "delete", name);
      }
    }
    ownServers.clear();
  }

  // ---- scenarios -----------------------------------------------------------------------------

  @Test
  @Order(1)
  void hostsRegisterWithTheirRealLibvirt() {
    JsonNode hosts = ferry.json("host", "list");
    assertEquals(HOSTS.size(), hosts.size(), hosts::toString);
    for (JsonNode host : hosts) {
      JsonNode r = host.has("record") ? host.get("record") : host;
      assertEquals("UP", r.path("status").asText(), host::toString);
    }
    for (String host : HOSTS) {
      JsonNode shown = ferry.json("host", "show", host);
      shown = shown.has("record") ? shown.get("record") : shown;
      assertEquals("QEMU", shown.get("hypervisorType").asText(), shown::toString);
      assertEquals(bed.uri(host), shown.get("libvirtUri").asText());
      assertEquals("qemu+tcp://" + host + "/system", shown.get("migrationUri").asText());
      // the agent really runs on its host: libvirt answers with the host's own name
      assertEquals(host, bed.virsh(host, "hostname").expectOk().stdout().trim());
    }
  }

  @Test
  @Order(2)
  void coldMigrationCopiesTheDiskThenConfirm(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    JsonNode created =
        TIMINGS.time(
            "create cold1 (t1.nano, 64M host-local disk) until its disk is written",
            () -> createServer("cold1", "host-a", "64M", false));
    coldId = created.get("id").asText();
    String diskPath = created.get("diskPath").asText();
    assertTrue(diskPath.startsWith("/var/lib/ferry/local/"), diskPath);
    Path onA = bed.hostPath("host-a", diskPath);
    Path onB = bed.hostPath("host-b", diskPath);
    assertTrue(Files.exists(onA), onA + " (created through host-a's storage pool)");
    assertEquals("running", bed.domState("host-a", coldId));

    int mark = consoleMark();
    TIMINGS.time(
        "cold migration host-a -> host-b (--wait: stop, copy, define, start)",
        () ->
            ferry
                .ferry("migrate", "cold1", "--host", "host-b", "--confirm-window", "0", "--wait")
                .expectOk());
    JsonNode waiting = ferry.server("cold1");
    assertEquals("RESIZED", waiting.get("vmState").asText(), waiting::toString);
    assertEquals("finished", waiting.get("currentMoveStatus").asText(), waiting::toString);
    // libvirt: running on host-b, the source copy kept (shut off) until the confirm
    assertEquals("running", bed.domState("host-b", coldId));
    assertEquals("shut off", bed.domState("host-a", coldId));
    assertTrue(Files.exists(onB), "the copy on host-b");
    Cmd.Result compare = bed.compareDisks(onA, onB);
    assertEquals(0, compare.exitCode(), () -> "the copy differs:\n" + compare.all());
    assertTrue(compare.stdout().contains("identical"), compare::all);
    // the guest: exactly one new boot, on host-b, and it found its disk intact
    assertGuestMoved(mark, "host-b", NANO_MEM_KIB_MAX);
    String copied = ferry.logText("agent-host-a");
    assertTrue(copied.contains("copied " + diskPath), "host-a's agent streamed the disk");

    mark = consoleMark();
    TIMINGS.time("confirm", () -> ferry.ferry("resize-confirm", "cold1").expectOk());
    JsonNode confirmed = ferry.server("cold1");
    assertEquals("ACTIVE", confirmed.get("vmState").asText(), confirmed::toString);
    assertEquals(1, confirmed.get("epoch").asLong());
    assertEquals("absent", bed.domState("host-a", coldId)); // the old copy went...
    assertFalse(Files.exists(onA), "confirm deletes the source disk"); // ...with its disk
    assertTrue(Files.exists(onB));
    assertGuestUndisturbed(mark);
    String statuses = ferry.json("migration", "show", "cold1").get("log").toString();
    for (String s :
        List.of("PRE_MIGRATING", "MIGRATING", "POST_MIGRATING", "FINISHED", "CONFIRMED")) {
      assertTrue(statuses.contains(s), statuses);
    }
    assertEquals(List.of("host-b:" + coldId + ".qcow2"), bed.storageFiles());
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(3)
  void resizeShowsTheNewMemoryThenRevert(TestInfo info) {
    requireColdInstance();
    TIMINGS.start(info.getDisplayName());
    int mark = consoleMark();
    TIMINGS.time(
        "resize t1.nano -> t1.micro, host-b -> host-c (--wait)",
        () ->
            ferry
                .ferry(
                    "resize",
                    "cold1",
                    "--flavor",
                    "t1.micro",
                    "--host",
                    "host-c",
                    "--confirm-window",
                    "0",
                    "--wait")
                .expectOk());
    JsonNode resized = ferry.server("cold1");
    assertEquals("RESIZED", resized.get("vmState").asText(), resized::toString);
    assertEquals("running", bed.domState("host-c", coldId));
    assertEquals(192 * 1024, bed.maxMemoryKib("host-c", coldId));
    assertEquals("shut off", bed.domState("host-b", coldId));
    long mem = assertGuestMoved(mark, "host-c", -1);
    assertTrue(mem >= MICRO_MEM_KIB_MIN, "guest sees 192 MiB after the resize: mem_kib=" + mem);

    mark = consoleMark();
    TIMINGS.time("revert", () -> ferry.ferry("resize-revert", "cold1").expectOk());
    JsonNode reverted = ferry.server("cold1");
    assertEquals("ACTIVE", reverted.get("vmState").asText(), reverted::toString);
    assertEquals("host-b", reverted.get("host").asText());
    assertEquals("t1.nano", reverted.get("flavor").get("name").asText());
    assertEquals("absent", bed.domState("host-c", coldId)); // the new copy went...
    assertEquals("running", bed.domState("host-b", coldId));
    assertEquals(128 * 1024, bed.maxMemoryKib("host-b", coldId));
    mem = assertGuestMoved(mark, "host-b", NANO_MEM_KIB_MAX);
    assertTrue(mem < NANO_MEM_KIB_MAX, "back to 128 MiB: mem_kib=" + mem);
    // ...with its copied disk; the original was never touched
    assertEquals(List.of("host-b:" + coldId + ".qcow2"), bed.storageFiles());
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(4)
  void agentKilledInTheMiddleOfTheDiskCopyTheMoveFinishes(TestInfo info) {
    requireColdInstance();
    TIMINGS.start(info.getDisplayName());
    int mark = consoleMark();
    Path onA = bed.localDir("host-a").resolve(coldId + ".qcow2");
    Path onB = bed.localDir("host-b").resolve(coldId + ".qcow2");
    long full = size(onB);
    ferry.ferry("migrate", "cold1", "--host", "host-a", "--confirm-window", "0").expectOk();

    // host-b's agent streams the disk at 4 MiB/s: kill it once a few MiB have arrived on host-a
    long partial = awaitSize(onA, 2L << 20, Duration.ofMinutes(2));
    assertTrue(partial < full, "caught mid-copy: " + partial + " of " + full + " bytes");
    long pid = ferry.pid("agent-host-b");
    TIMINGS.time("SIGKILL host-b's agent", () -> ferry.kill("agent-host-b"));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "agent dead");
    assertTrue(bed.virsh("host-b", "uri").ok(), "host-b's libvirtd is untouched");
    BedChecks.log(
        "killed host-b's agent (pid "
            + pid
            + ") with "
            + size(onA)
            + " of "
            + full
            + " bytes copied");

    TIMINGS.time("restart host-b's agent", () -> ferry.startAgent("host-b"));
    JsonNode done =
        TIMINGS.time(
            "from the restart until the move is finished",
            () ->
                ferry.awaitServer(
                    "cold1",
                    s ->
                        "finished".equals(s.path("currentMoveStatus").asText())
                            || "ERROR".equals(s.get("vmState").asText()),
                    Duration.ofMinutes(5)));
    assertEquals("RESIZED", done.get("vmState").asText(), done::toString);
    assertTrue(
        ferry.logText("agent-host-b").contains("deleted the partial copy"),
        "the retried copy deleted the partial volume first");
    Cmd.Result compare = bed.compareDisks(onB, onA);
    assertEquals(0, compare.exitCode(), compare::all);
    assertEquals(full, size(onA), "the copy has the source's size");
    assertGuestMoved(mark, "host-a", NANO_MEM_KIB_MAX);

    mark = consoleMark();
    ferry.ferry("resize-confirm", "cold1").expectOk();
    assertGuestUndisturbed(mark);
    // nothing left behind: one domain, one disk, no probe, no partial copy
    assertEquals("absent", bed.domState("host-b", coldId));
    assertEquals("running", bed.domState("host-a", coldId));
    assertEquals(List.of("host-a:" + coldId + ".qcow2"), bed.storageFiles());
    for (String host : HOSTS) {
      List<String> expected = host.equals("host-a") ? List.of("cold1") : List.of();
      assertEquals(expected, bed.domains(host), host);
    }
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(5)
  void sharedDiskIsProbedAndNothingIsCopied(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    JsonNode created =
        TIMINGS.time(
            "create shr1 (t1.nano, 32M disk on shared storage)",
            () -> createServer("shr1", "host-c", "32M", true));
    String id = created.get("id").asText();
    String diskPath = created.get("diskPath").asText();
    assertTrue(diskPath.startsWith("/var/lib/ferry/shared/"), diskPath);
    Path shared = bed.hostPath("host-c", diskPath);
    long before = size(shared);
    int mark = bed.consoleLines(id).size();
    TIMINGS.time(
        "cold migration host-c -> host-b on shared storage",
        () ->
            ferry
                .ferry("migrate", "shr1", "--host", "host-b", "--confirm-window", "0", "--wait")
                .expectOk());
    assertEquals("running", bed.domState("host-b", id));
    assertFalse(ferry.logText("agent-host-c").contains("copied " + diskPath), "nothing copied");
    assertTrue(
        ferry.logText("conductor").contains("is on storage shared by host-c and host-b"),
        "the probe found the storage shared");
    assertEquals(before, size(shared));
    checks.healthAfterMove(id, mark, 1);
    assertEquals(
        "ok",
        bed.awaitConsole(id, mark, "^FERRY-GUEST disk (\\S+)", Duration.ofMinutes(1)).group(1));
    ferry.ferry("resize-confirm", "shr1").expectOk();
    assertTrue(Files.exists(shared), "confirm keeps the one shared disk");
    assertEquals("absent", bed.domState("host-c", id));

    ferry.ferry("server", "delete", "shr1").expectOk();
    assertFalse(Files.exists(shared), "delete removes the disk Ferry created");
    assertEquals("absent", bed.domState("host-b", id));
    TIMINGS.stop(info.getDisplayName());
  }

  // ---- scenarios of features other engineers are writing -------------------------------------
  // Each runs once its command exists in the CLI (`ferry <command> --help` answers), and is skipped
  // with "PENDING" before.

  /** The live-migrated instance (shared disk), carried on to the evacuation scenario. */
  private static String liveId;

  @Test
  @Order(6)
  void liveMigrationKeepsTheGuestRunning(TestInfo info) {
    requireFeature("live-migrate", "live migration (dev.ferry.live)");
    TIMINGS.start(info.getDisplayName());
    JsonNode created =
        TIMINGS.time(
            "create live1 (t1.nano, 32M disk on shared storage)",
            () -> createServer("live1", "host-a", "32M", true));
    liveId = created.get("id").asText();
    int mark = bed.consoleLines(liveId).size();
    TIMINGS.time(
        "live migration host-a -> host-b (--wait)",
        () -> ferry.ferry("live-migrate", "live1", "--host", "host-b", "--wait").expectOk());
    JsonNode moved =
        ferry.awaitServer(
            "live1",
            s -> s.path("currentMoveId").isNull() && "host-b".equals(s.path("host").asText()),
            Duration.ofMinutes(2));
    assertEquals("ACTIVE", moved.get("vmState").asText(), moved::toString);
    JsonNode move = moved.get("moves").get(0);
    assertEquals("LIVE_MIGRATION", move.get("type").asText(), moved::toString);
    liveMoveId = move.get("moveId").asText();
    assertEquals("running", bed.domState("host-b", liveId));
    assertEquals("absent", bed.domState("host-a", liveId));
    bed.awaitConsole(liveId, mark + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    checks.healthAfterMove(liveId, mark, -1); // one guest all along: the heartbeat never restarted
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(7)
  void liveMigrationAbortKeepsTheGuestOnItsSource(TestInfo info) {
    requireFeature("live-migration", "live-migration abort (dev.ferry.live)");
    Assumptions.assumeTrue(liveId != null, "live1 was not live-migrated (scenario 6)");
    TIMINGS.start(info.getDisplayName());
    // 1 MiB/s: the copy of the guest's memory takes tens of seconds, time enough to abort it
    BedChecks.LiveRun run =
        checks.startLiveMigration("live1", liveId, otherThan(checks.host("live1"), "host-a"), 1);
    String source = run.source();
    String dest = run.dest();
    int mark = run.mark();
    Cmd.Result abort =
        TIMINGS.time(
            "abort (answers when the job has ended)",
            () -> ferry.ferry("live-migration", "abort", "live1"));
    abort.expectOk();
    assertTrue(abort.stdout().contains("cancelled"), abort::all);
    JsonNode after =
        ferry.awaitServer("live1", s -> s.path("currentMoveId").isNull(), Duration.ofMinutes(2));
    assertEquals(source, after.get("host").asText(), after::toString);
    assertEquals("ACTIVE", after.get("vmState").asText(), after::toString);
    assertEquals("running", bed.domState(source, liveId));
    assertEquals("absent", bed.domState(dest, liveId)); // nothing left on the destination
    bed.awaitConsole(liveId, mark + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    checks.healthAfterMove(liveId, mark, -1);
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(8)
  void liveMigrationForceCompleteFinishesIt(TestInfo info) {
    requireFeature("live-migration", "live-migration force-complete (dev.ferry.live)");
    Assumptions.assumeTrue(liveId != null, "live1 was not live-migrated (scenario 6)");
    TIMINGS.start(info.getDisplayName());
    BedChecks.LiveRun run =
        checks.startLiveMigration("live1", liveId, otherThan(checks.host("live1"), "host-a"), 2);
    String source = run.source();
    String dest = run.dest();
    int mark = run.mark();
    TIMINGS.time(
        "force-complete until the guest runs on " + dest,
        () -> {
          ferry.ferry("live-migration", "force-complete", "live1").expectOk();
          return ferry.awaitServer(
              "live1",
              s -> s.path("currentMoveId").isNull() && dest.equals(s.path("host").asText()),
              Duration.ofMinutes(3));
        });
    assertEquals("running", bed.domState(dest, liveId));
    assertEquals("absent", bed.domState(source, liveId));
    bed.awaitConsole(liveId, mark + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    // paused while the rest is copied: continuous, with a gap of the switch-over's length
    BedChecks.log("force-complete: " + bed.health(liveId, mark, -1, 3, 120));
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(9)
  void blockMigrationCopiesAHostLocalDiskLive(TestInfo info) {
    requireFeature("live-migrate", "block migration (dev.ferry.live)");
    requireColdInstance();
    TIMINGS.start(info.getDisplayName());
    String source = checks.host("cold1");
    String dest = otherThan(source, checks.host("live1"));
    String diskPath = ferry.server("cold1").get("diskPath").asText();
    Path onSource = bed.hostPath(source, diskPath);
    Path onDest = bed.hostPath(dest, diskPath);
    int mark = consoleMark();
    TIMINGS.time(
        "block migration " + source + " -> " + dest + " (--block-migrate --wait)",
        () ->
            ferry
                .ferry("live-migrate", "cold1", "--host", dest, "--block-migrate", "true", "--wait")
                .expectOk());
    ferry.awaitServer(
        "cold1",
        s -> s.path("currentMoveId").isNull() && dest.equals(s.path("host").asText()),
        Duration.ofMinutes(2));
    assertEquals("running", bed.domState(dest, coldId));
    assertEquals("absent", bed.domState(source, coldId));
    assertTrue(Files.exists(onDest), "the disk was copied to " + dest);
    assertFalse(Files.exists(onSource), "the source's disk is cleaned up (Nova: not shared)");
    assertEquals(
        List.of(dest + ":" + coldId + ".qcow2"),
        bed.storageFiles().stream().filter(f -> f.contains(coldId)).toList(),
        "one disk, on " + dest + ", nothing else left by the move");
    bed.awaitConsole(coldId, mark + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    checks.healthAfterMove(coldId, mark, -1);
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(10)
  void evacuationRebuildsOnAnotherHostAndTheRevivedHostCleansUp(TestInfo info) {
    requireFeature("evacuate", "evacuation (dev.ferry.evacuate)");
    Assumptions.assumeTrue(liveId != null, "live1 was not created (live migration scenario)");
    TIMINGS.start(info.getDisplayName());
    String failed = checks.host("live1");
    String target = otherThan(failed, checks.host("cold1"));
    int mark = bed.consoleLines(liveId).size();
    // power loss of the host: its libvirtd, the guest's QEMU and the agent die together
    TIMINGS.time(
        "host-kill.sh " + failed, () -> bed.script(Duration.ofMinutes(1), "host-kill.sh", failed));
    TIMINGS.time(
        "until " + failed + " is DOWN (lease lost)",
        () -> checks.awaitHostStatus(failed, "DOWN", Duration.ofMinutes(2)));
    TIMINGS.time(
        "evacuate live1 to " + target + " (--fence confirmed-off --wait)",
        () ->
            ferry
                .ferry("evacuate", "live1", "--host", target, "--fence", "confirmed-off", "--wait")
                .expectOk());
    JsonNode evacuated =
        ferry.awaitServer(
            "live1",
            s -> s.path("currentMoveId").isNull() && target.equals(s.path("host").asText()),
            Duration.ofMinutes(2));
    assertEquals("ACTIVE", evacuated.get("vmState").asText(), evacuated::toString);
    assertEquals("running", bed.domState(target, liveId));
    checks.healthAfterMove(liveId, mark, 1); // rebuilt: exactly one new boot, from the shared disk
    assertEquals(
        "ok",
        bed.awaitConsole(liveId, mark, "^FERRY-GUEST disk (\\S+)", Duration.ofMinutes(1)).group(1));

    // the failed host comes back: its agent destroys the stale copy before it serves
    TIMINGS.time(
        "host-revive.sh " + failed,
        () -> bed.script(Duration.ofMinutes(2), "host-revive.sh", failed));
    // libvirtd is back, the agent not yet: the stale copy is defined but libvirtd did not start it
    assertEquals("shut off", bed.domState(failed, liveId), "the stale copy at revival");
    TIMINGS.time("restart " + failed + "'s agent", () -> ferry.startAgent(failed));
    assertEquals(List.of(), bed.domains(failed), "the stale copy is gone");
    checks.awaitHostStatus(failed, "UP", Duration.ofMinutes(2));
    checks.healthAfterMove(liveId, mark, 1); // still the one rebuild: the guest never ran twice
    ferry.ferry("server", "delete", "live1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  // ---- agents killed in the middle of moves; host drain ---------------------------------------
  // Each creates its own guests on hosts no other scenario's guest uses, and deletes them.

  /**
   * The Web UI's half that needs real hosts (the test:/// half is WebUiBrowserIT): the first live
   * migration of live1 (scenario 6) in headless Chromium, its summary, its calls and its job.
   */
  @Test
  @Order(12)
  void webUiShowsALiveMigration() {
    // live1 itself is gone by now (the evacuation scenario deletes it); its move's workflow is
    // still on the server (closed moves are kept for the namespace's retention)
    Assumptions.assumeTrue(liveMoveId != null, "live1 was not live-migrated (scenario 6)");
    try (WebUiPages ui = new WebUiPages(ferry.webUi())) {
      ui.checkMovePage(
          liveMoveId,
          "live migration of live1: host-a → host-b",
          List.of(
              "LiveInspectSource • inspect the guest (live1 on host-a)",
              "LivePrepareDestination • pre_live_migration (live1 on host-b)",
              "LiveMigrate • live migration job to host-b (live1 on host-a)"),
          "completed: live1 host-a → host-b",
          "testbed-live-migration");
    }
  }

  @Test
  @Order(13)
  void agentsKilledDuringALiveMigrationTheJobIsReattachedNeverStartedTwice(TestInfo info) {
    requireFeature("live-migrate", "live migration (dev.ferry.live)");
    TIMINGS.start(info.getDisplayName());
    String from = freeHost();
    String to = otherThan(from, hostOf("cold1"));
    String id =
        TIMINGS
            .time(
                "create lk1 (t1.nano, 32M shared disk) on " + from,
                () -> createOwnServer("lk1", from))
            .get("id")
            .asText();

    // 1. the SOURCE agent dies while the libvirt job runs: the job is libvirtd's and goes on; the
    // retried job activity on the restarted agent finds its started marker and only watches it
    BedChecks.LiveRun run =
        checks.startLiveMigration("lk1", id, to, 2); // 128 MiB at 2 MiB/s: about a minute
    assertTrue(bed.jobActive(from, id), "the migration job runs on " + from);
    TIMINGS.time("SIGKILL " + from + "'s agent (the source)", () -> ferry.kill("agent-" + from));
    assertTrue(bed.virsh(from, "uri").ok(), from + "'s libvirtd is untouched");
    assertTrue(bed.jobActive(from, id), "the job outlives the agent that started it");
    TIMINGS.time("restart " + from + "'s agent", () -> ferry.startAgent(from));
    assertTrue(
        bed.jobActive(from, id),
        "the job still runs when the restarted agent serves: its retried attempt re-attaches");
    TIMINGS.time(
        "from the restart until the move has ended",
        () -> checks.awaitMoveEnded("lk1", Duration.ofMinutes(5)));
    checks.assertLiveMigrated("lk1", id, run);
    List<Integer> attempts = checks.activityAttempts(run.moveId(), "LiveMigrate");
    assertEquals(1, attempts.size(), "one job activity, never a second one: " + attempts);
    assertTrue(attempts.get(0) >= 2, "the job activity was retried: attempt " + attempts.get(0));

    // 2. the DESTINATION agent is dead when the job switches over, and comes back while the post
    // steps wait for it (post_live_migration_at_destination is queued on its host)
    BedChecks.LiveRun back = checks.startLiveMigration("lk1", id, from, 4);
    TIMINGS.time(
        "SIGKILL " + from + "'s agent (the destination)", () -> ferry.kill("agent-" + from));
    TIMINGS.time(
        "until the job has switched over (no agent at the destination)",
        () -> checks.awaitMoveStatus("lk1", "post-migrating", Duration.ofMinutes(5)));
    assertEquals("running", bed.domState(from, id), "switched over by libvirt alone");
    TIMINGS.time(
        "restart " + from + "'s agent during the post steps", () -> ferry.startAgent(from));
    TIMINGS.time(
        "from the restart until the move has ended",
        () -> checks.awaitMoveEnded("lk1", Duration.ofMinutes(3)));
    checks.assertLiveMigrated("lk1", id, back);
    assertEquals(
        List.of(1), checks.activityAttempts(back.moveId(), "LiveMigrate"), "one job, one try");

    ferry.ferry("server", "delete", "lk1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(14)
  void agentKilledDuringAnEvacuationTheGuestIsRebuiltExactlyOnce(TestInfo info) {
    requireFeature("evacuate", "evacuation (dev.ferry.evacuate)");
    TIMINGS.start(info.getDisplayName());
    String failed = freeHost();
    String target = otherThan(failed, hostOf("cold1"));
    String id =
        TIMINGS
            .time(
                "create ek1 (t1.nano, 32M shared disk) on " + failed,
                () -> createOwnServer("ek1", failed))
            .get("id")
            .asText();
    int mark = bed.consoleLines(id).size();
    bed.script(Duration.ofMinutes(1), "host-kill.sh", failed);
    TIMINGS.time(
        "until " + failed + " is DOWN",
        () -> checks.awaitHostStatus(failed, "DOWN", Duration.ofMinutes(2)));
    ferry.ferry("evacuate", "ek1", "--host", target, "--fence", "confirmed-off").expectOk();
    // the rebuild's first step on the target is the define: kill the target's agent right after
    String seen =
        TIMINGS.time(
            "until the rebuilt copy is defined on " + target,
            () ->
                bed.awaitDomState(
                    target, id, state -> !state.equals("absent"), "defined by the rebuild"));
    TIMINGS.time("SIGKILL " + target + "'s agent", () -> ferry.kill("agent-" + target));
    JsonNode mid = ferry.server("ek1");
    BedChecks.log("killed " + target + "'s agent with ek1 " + seen + " there; the move: " + mid);
    assertFalse(mid.path("currentMoveId").isNull(), "killed in the middle of the evacuation");
    TIMINGS.time("restart " + target + "'s agent", () -> ferry.startAgent(target));
    JsonNode done =
        TIMINGS.time(
            "from the restart until the evacuation has ended",
            () -> checks.awaitMoveEnded("ek1", Duration.ofMinutes(5)));
    String moveId = mid.path("currentMoveId").asText();
    JsonNode move = ferry.json("migration", "show", moveId);
    assertEquals("done", move.path("status").asText(), move::toString);
    assertEquals(target, done.get("host").asText(), done::toString);
    assertEquals("ACTIVE", done.get("vmState").asText(), done::toString);
    assertEquals("running", bed.domState(target, id));
    checks.healthAfterMove(id, mark, 1); // rebuilt: exactly one new boot, and it runs on
    assertEquals(
        "ok",
        bed.awaitConsole(id, mark, "^FERRY-GUEST disk (\\S+)", Duration.ofMinutes(1)).group(1));
    for (String h : HOSTS) {
      if (!h.equals(target) && !h.equals(failed)) {
        assertEquals("absent", bed.domState(h, id), h);
      }
    }

    // the failed host returns: its stale copy goes before its agent serves
    bed.script(Duration.ofMinutes(2), "host-revive.sh", failed);
    TIMINGS.time("restart " + failed + "'s agent", () -> ferry.startAgent(failed));
    assertEquals("absent", bed.domState(failed, id), "the stale copy is gone");
    checks.awaitHostStatus(failed, "UP", Duration.ofMinutes(2));
    assertEquals("running", bed.domState(target, id));
    assertEquals(
        List.of("shared:" + id + ".qcow2"),
        bed.storageFiles().stream().filter(f -> f.contains(id)).toList(),
        "one disk, shared, nothing else");
    ferry.ferry("server", "delete", "ek1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(15)
  void hostDrainLiveMigratesEveryGuestAwayWhileTheyRun(TestInfo info) {
    Assumptions.assumeTrue(
        ferry.ferry("host", "drain", "--help").ok(), "PENDING `ferry host drain` (dev.ferry.live)");
    TIMINGS.start(info.getDisplayName());
    String drained = freeHost();
    Map<String, String> ids = new java.util.LinkedHashMap<>();
    for (String name : List.of("dr1", "dr2")) {
      ids.put(
          name,
          TIMINGS
              .time(
                  "create " + name + " (t1.nano, 32M shared disk) on " + drained,
                  () -> createOwnServer(name, drained))
              .get("id")
              .asText());
    }
    Map<String, Integer> marks = new java.util.HashMap<>();
    ids.forEach((name, id) -> marks.put(name, bed.consoleLines(id).size()));

    JsonNode view =
        TIMINGS.time(
            "host drain " + drained + " --concurrency 2 --wait (2 guests, live)",
            () -> ferry.json("host", "drain", drained, "--concurrency", "2", "--wait"));
    assertEquals("done", view.path("status").asText(), view::toString);
    assertEquals(2, view.path("done").asInt(), view::toString);
    assertEquals(2, view.path("items").size(), view::toString);
    for (JsonNode item : view.path("items")) {
      assertEquals("DONE", item.path("state").asText(), item::toString);
      assertEquals("completed", item.path("moveStatus").asText(), item::toString);
    }
    assertEquals(List.of(), bed.domains(drained), drained + " is empty");
    ids.forEach(
        (name, id) -> {
          JsonNode s = ferry.server(name);
          String now = s.get("host").asText();
          assertFalse(now.equals(drained), s::toString);
          assertEquals("running", bed.domState(now, id), name);
          assertEquals(
              "LIVE_MIGRATION",
              ferry.json("migration", "show", name).path("type").asText(),
              name + " was live-migrated");
          bed.awaitConsole(id, marks.get(name) + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
          checks.healthAfterMove(id, marks.get(name), -1); // never stopped: one heartbeat all along
        });
    // disabled for placement first: the drain's history disables the host before any move
    List<String> steps =
        checks.activities(checks.history("host-drain:" + drained)).stream()
            .filter(t -> t.equals("HostMovesDisableHost") || t.equals("HostMovesStartMove"))
            .toList();
    assertEquals(
        List.of("HostMovesDisableHost", "HostMovesStartMove", "HostMovesStartMove"),
        steps,
        "disable first, then one move per guest");
    JsonNode host = ferry.json("host", "show", drained);
    host = host.has("record") ? host.get("record") : host;
    assertFalse(host.get("enabled").asBoolean(), "a drained host stays disabled: " + host);

    ferry.ferry("host", "enable", drained).expectOk();
    ids.keySet().forEach(name -> ferry.ferry("server", "delete", name).expectOk());
    TIMINGS.stop(info.getDisplayName());
  }

  /**
   * Fencing by libvirt-destroy. Only the host's agent dies (SIGKILL): its libvirtd and the guest
   * live on, so the host goes DOWN (lease lost) while the guest still runs there, and only a fence
   * can stop it. {@code evacuate --fence libvirt-destroy} has the conductor destroy the guest
   * through the failed host's own libvirtd (the unix-socket URI scripts/cluster.sh configures as
   * {@code ferry.fencing.libvirt-uris.<host>} on the bed) before it rebuilds on the target: the
   * domain there ends {@code shut off (destroyed)}, the move's history and its status log name the
   * method, and the shared console shows the old guest's heartbeat going on until the fence, then
   * exactly one new boot counting from 1 (two QEMUs at once would interleave their counters). The
   * agent comes back: the stale copy is gone before it serves, the host UP again.
   */
  @Test
  @Order(16)
  void evacuationFencesByLibvirtDestroyThroughTheFailedHostsStillRunningLibvirtd(TestInfo info) {
    requireFeature("evacuate", "evacuation (dev.ferry.evacuate)");
    TIMINGS.start(info.getDisplayName());
    String failed = freeHost();
    String target = otherThan(failed, hostOf("cold1"));
    String id =
        TIMINGS
            .time(
                "create fd1 (t1.nano, 32M shared disk) on " + failed,
                () -> createOwnServer("fd1", failed))
            .get("id")
            .asText();
    String domain = bed.virsh(failed, "domname", id).expectOk().stdout().trim();
    int mark = bed.consoleLines(id).size();

    TIMINGS.time(
        "SIGKILL " + failed + "'s agent (libvirtd and the guest live on)",
        () -> ferry.kill("agent-" + failed));
    TIMINGS.time(
        "until " + failed + " is DOWN (lease lost)",
        () -> checks.awaitHostStatus(failed, "DOWN", Duration.ofMinutes(2)));
    assertTrue(bed.virsh(failed, "uri").ok(), failed + "'s libvirtd still answers");
    assertEquals("running", bed.domState(failed, id), "the guest outlives its host's agent");
    bed.awaitConsole(id, bed.consoleLines(id).size(), "^HEARTBEAT ", Duration.ofSeconds(30));

    JsonNode view =
        TIMINGS.time(
            "evacuate fd1 to " + target + " (--fence libvirt-destroy --wait)",
            () ->
                ferry.json(
                    "evacuate", "fd1", "--host", target, "--fence", "libvirt-destroy", "--wait"));
    String moveId = view.path("moveId").asText();
    assertEquals("done", view.path("status").asText(), view::toString);

    // the fence destroyed the guest on the failed host through that host's libvirtd; the
    // definition stays there for the agent to remove when it returns
    assertEquals(
        "shut off (destroyed)",
        bed.virsh(failed, "domstate", "--reason", id).expectOk().stdout().trim(),
        "the guest on " + failed + " after the fence");
    List<JsonNode> fenced = fenceResults(moveId);
    assertEquals(1, fenced.size(), "one fencing: " + fenced);
    assertEquals("libvirt-destroy", fenced.get(0).path("method").asText(), fenced::toString);
    assertEquals(failed, fenced.get(0).path("host").asText(), fenced::toString);
    assertEquals(
        "destroyed domain " + domain + " on host " + failed + " through " + bed.uri(failed),
        fenced.get(0).path("summary").asText());
    JsonNode move = ferry.json("migration", "show", moveId);
    assertTrue(
        java.util.stream.StreamSupport.stream(move.path("log").spliterator(), false)
            .anyMatch(
                c ->
                    c.path("event").asText().equals("FENCED")
                        && c.path("actor").asText().endsWith(" via libvirt-destroy")),
        "the move's status log names the fence method: " + move.path("log"));
    assertTrue(
        ferry
            .logText("conductor")
            .contains("fencing host " + failed + " for instance " + id + " by libvirt-destroy"),
        "the conductor's audit record of the fencing");

    JsonNode s = ferry.server("fd1");
    assertEquals(target, s.get("host").asText(), s::toString);
    assertEquals("ACTIVE", s.get("vmState").asText(), s::toString);
    assertEquals("running", bed.domState(target, id));
    assertEquals("absent", bed.domState(otherThan(failed, target), id));
    // The console is shared by every QEMU of the guest: the old one's heartbeat went on without a
    // gap after the agent died, up to the fence; then exactly one boot, counting from 1. A guest
    // running on both hosts at once would interleave two counters there.
    checks.healthAfterMove(id, mark, 1);
    int boot = bed.awaitConsoleLine(id, mark, "^FERRY-GUEST boot ", Duration.ofMinutes(1)).index();
    assertTrue(
        bed.consoleLines(id).subList(mark, boot).stream().anyMatch(l -> l.startsWith("HEARTBEAT ")),
        "the old guest ran on after its host's agent died");
    assertEquals(
        "ok",
        bed.awaitConsole(id, boot, "^FERRY-GUEST disk (\\S+)", Duration.ofMinutes(1)).group(1));

    // the agent returns: the stale copy goes before it serves
    TIMINGS.time("restart " + failed + "'s agent", () -> ferry.startAgent(failed));
    assertEquals("absent", bed.domState(failed, id), "the stale copy is gone");
    checks.awaitHostStatus(failed, "UP", Duration.ofMinutes(2));
    assertEquals("running", bed.domState(target, id));
    checks.healthAfterMove(id, mark, 1); // still the one rebuild: the guest never ran twice
    assertEquals(
        List.of("shared:" + id + ".qcow2"),
        bed.storageFiles().stream().filter(f -> f.contains(id)).toList(),
        "one disk, shared, nothing else");
    ferry.ferry("server", "delete", "fd1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  /** The results of the fencing activities a move ran ({@code FencingFence}), from its history. */
  private static List<JsonNode> fenceResults(String moveId) {
    JsonNode events = checks.history("move:" + moveId);
    java.util.Set<String> fences = new java.util.HashSet<>();
    List<JsonNode> results = new java.util.ArrayList<>();
    for (JsonNode e : events) {
      String kind = BedChecks.eventType(e);
      if (kind.equalsIgnoreCase("ActivityTaskScheduled")
          && "FencingFence".equals(BedChecks.activityType(e))) {
        fences.add(e.path("eventId").asText());
      } else if (kind.equalsIgnoreCase("ActivityTaskCompleted")) {
        JsonNode a = e.path("activityTaskCompletedEventAttributes");
        if (fences.contains(a.path("scheduledEventId").asText())) {
          for (JsonNode p : a.path("result").path("payloads")) {
            try {
              results.add(
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(java.util.Base64.getDecoder().decode(p.path("data").asText())));
            } catch (IOException ex) {
              throw new AssertionError("not a fence result: " + p, ex);
            }
          }
        }
      }
    }
    return results;
  }

  // ---- helpers of the scenarios above -------------------------------------------------------

  /** A host with no domain at all, preferring the last: no other scenario's guest is disturbed. */
  private static String freeHost() {
    for (int i = HOSTS.size() - 1; i >= 0; i--) {
      if (bed.domains(HOSTS.get(i)).isEmpty()) {
        return HOSTS.get(i);
      }
    }
    throw new AssertionError("every test-bed host has a domain");
  }

  /** The host of a server, or "" when there is no such server. */
  private static String hostOf(String server) {
    Cmd.Result shown = ferry.ferry("--output", "json", "server", "show", server);
    return shown.ok() ? checks.host(server) : "";
  }

  /**
   * A server made from the base image ferry-tiny with a host-local disk; its guest writes data
   * after creation; its host dies; the evacuation makes a new disk on the destination from that
   * host's own copy of the image: the guest boots from the image's content (no marker, so it fills
   * the disk anew), the data written after creation is gone, and the move says so.
   */
  @Test
  @Order(11)
  void evacuationRebuildsAHostLocalDiskFromItsBaseImageAndTheDataWrittenAfterIsLost(TestInfo info) {
    requireFeature("evacuate", "evacuation (dev.ferry.evacuate)");
    TIMINGS.start(info.getDisplayName());
    String image = "ferry-tiny"; // hosts-up.sh puts a copy in every host's image store
    String failed = otherThan(coldId != null ? checks.host("cold1") : "");
    String target = otherThan(coldId != null ? checks.host("cold1") : "", failed);
    // The guest writes sector 0 and MiB 1..1+fill at its first boot on a disk; beyond that, a disk
    // made from the image must read exactly as the image (its last 16 MiB hold a known pattern).
    long untouched = (1L + DISK_FILL_MIB) << 20;
    java.util.function.BiFunction<Path, Path, Cmd.Result> sameBeyondGuestWrites =
        (a, b) ->
            Cmd.run(
                List.of(
                    "qemu-img",
                    "compare",
                    "-U",
                    "--image-opts",
                    "driver=raw,offset=" + untouched + ",file.driver=qcow2,file.file.filename=" + a,
                    "driver=raw,offset="
                        + untouched
                        + ",file.driver=qcow2,file.file.filename="
                        + b),
                Map.of(),
                Duration.ofMinutes(1));
    java.util.function.Function<String, Path> imageOn =
        h -> bed.dir().resolve("hosts").resolve(h).resolve("images").resolve(image + ".qcow2");

    JsonNode created =
        TIMINGS.time(
            "create img1 (t1.nano) from image " + image + " on " + failed,
            () ->
                ferry.json(
                    "server",
                    "create",
                    "--name",
                    "img1",
                    "--flavor",
                    "t1.nano",
                    "--host",
                    failed,
                    "--image",
                    image));
    assertEquals("ACTIVE", created.get("vmState").asText(), created::toString);
    assertEquals(image, created.get("baseImage").asText(), created::toString);
    assertEquals(64, created.get("diskSizeMb").asLong(), "the image's size: " + created);
    assertFalse(created.get("sharedStorage").asBoolean(), "a host-local disk");
    String id = created.get("id").asText();
    Path oldDisk = bed.localDir(failed).resolve(id + ".qcow2");
    assertEquals(oldDisk, bed.hostPath(failed, created.get("diskPath").asText()));
    String written =
        bed.awaitConsole(id, 0, "^FERRY-GUEST disk wrote id=(\\S+) mib=", Duration.ofMinutes(3))
            .group(1);
    bed.awaitConsole(id, 0, "^HEARTBEAT 3 ", Duration.ofMinutes(2));
    bed.health(id, 0, 1, 3);
    assertTrue(sameBeyondGuestWrites.apply(oldDisk, imageOn.apply(failed)).ok(), "a copy of it");
    assertFalse(
        bed.compareDisks(oldDisk, imageOn.apply(failed)).ok(),
        "the data the guest wrote after creation is on its disk, not in the image");

    int mark = bed.consoleLines(id).size();
    TIMINGS.time(
        "host-kill.sh " + failed, () -> bed.script(Duration.ofMinutes(1), "host-kill.sh", failed));
    TIMINGS.time(
        "until " + failed + " is DOWN (lease lost)",
        () -> checks.awaitHostStatus(failed, "DOWN", Duration.ofMinutes(2)));
    TIMINGS.time(
        "evacuate img1 to " + target + ": a new disk from image " + image,
        () ->
            ferry
                .ferry("evacuate", "img1", "--host", target, "--fence", "confirmed-off", "--wait")
                .expectOk());
    JsonNode evacuated =
        ferry.awaitServer(
            "img1",
            s -> s.path("currentMoveId").isNull() && target.equals(s.path("host").asText()),
            Duration.ofMinutes(2));
    assertEquals("ACTIVE", evacuated.get("vmState").asText(), evacuated::toString);
    assertEquals("running", bed.domState(target, id));
    // a note, no error: the evacuation did what it had to
    String said = evacuated.path("note").asText();
    assertTrue(said.contains("local data of img1 is lost"), evacuated::toString);
    assertTrue(said.contains("made from base image " + image), said);
    assertTrue(evacuated.path("lastError").isNull(), evacuated::toString);

    // One new boot, from a disk without the data written after creation: no marker, so the guest
    // fills it anew (a new id); beyond what it writes, the disk reads exactly as the image.
    checks.healthAfterMove(id, mark, 1);
    Matcher disk =
        bed.awaitConsole(id, mark, "^FERRY-GUEST disk (\\S+) id=(\\S+)", Duration.ofMinutes(2));
    assertEquals("wrote", disk.group(1), "the guest found no data on its new disk");
    assertFalse(written.equals(disk.group(2)), "not the disk written on " + failed);
    Path newDisk = bed.localDir(target).resolve(id + ".qcow2");
    Cmd.Result same = sameBeyondGuestWrites.apply(newDisk, imageOn.apply(target));
    assertTrue(same.ok(), "the new disk is the image's content: " + same.all());
    assertTrue(Files.exists(oldDisk), "the old disk stays on " + failed + ": never deleted");

    TIMINGS.time(
        "host-revive.sh " + failed,
        () -> bed.script(Duration.ofMinutes(2), "host-revive.sh", failed));
    TIMINGS.time("restart " + failed + "'s agent", () -> ferry.startAgent(failed));
    assertEquals(List.of(), bed.domains(failed), "the stale copy is gone");
    checks.awaitHostStatus(failed, "UP", Duration.ofMinutes(2));
    ferry.ferry("server", "delete", "img1").expectOk();
    assertFalse(Files.exists(newDisk), "delete removes the disk Ferry made from the image");
    try {
      Files.delete(oldDisk); // the lost disk is the operator's to keep or delete, not Ferry's
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(17)
  void theRecordFollowsVirshAndMovesKeepTheGuestsState(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    String id = createOwnServer("pw1", "host-c").get("id").asText();
    List<String> latencies = new PowerStateScenario(bed, ferry).run("pw1", id, "host-c", "host-a");
    latencies.forEach(TIMINGS::note);
    ferry.ferry("server", "delete", "pw1").expectOk();
    assertEquals("absent", bed.domState("host-a", id));
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(18)
  void aColdMigrationShowsItsCopyAndACancelStopsItWithinTwoSeconds(TestInfo info) throws Exception {
    TIMINGS.start(info.getDisplayName());
    ownServers.add("pg1");
    String id = createServer("pg1", "host-a", "64M", false).get("id").asText();
    new CopyProgressScenario(bed, ferry, TIMINGS).run("pg1", id, "host-a", "host-b");
    ferry.ferry("server", "delete", "pg1").expectOk();
    assertEquals("absent", bed.domState("host-a", id));
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(20)
  void deleteLeavesNothingBehind(TestInfo info) {
    requireColdInstance();
    TIMINGS.start(info.getDisplayName());
    ferry.ferry("server", "delete", "cold1").expectOk();
    if (liveId != null && ferry.ferry("server", "show", "live1").ok()) {
      ferry.ferry("server", "delete", "live1").expectOk(); // left by a failed live scenario
    }
    for (String host : HOSTS) {
      assertEquals(List.of(), bed.domains(host), host);
    }
    assertEquals(List.of(), bed.storageFiles());
    checks.healthAfterMove(coldId, 0, -2); // the whole console: no oops, no corrupt disk, ever
    TIMINGS.stop(info.getDisplayName());
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A t1.nano server with a 32M shared disk that the running scenario owns and deletes. */
  private static JsonNode createOwnServer(String name, String host) {
    ownServers.add(name);
    return createServer(name, host, "32M", true);
  }

  /** Creates a server with a disk and waits until the guest has written and checksummed it. */
  private static JsonNode createServer(String name, String host, String diskSize, boolean shared) {
    JsonNode created =
        shared
            ? ferry.json(
                "server",
                "create",
                "--name",
                name,
                "--flavor",
                "t1.nano",
                "--host",
                host,
                "--disk-size",
                diskSize,
                "--shared")
            : ferry.json(
                "server",
                "create",
                "--name",
                name,
                "--flavor",
                "t1.nano",
                "--host",
                host,
                "--disk-size",
                diskSize);
    assertEquals("ACTIVE", created.get("vmState").asText(), created::toString);
    String id = created.get("id").asText();
    Matcher wrote =
        bed.awaitConsole(
            id, 0, "^FERRY-GUEST disk wrote id=(\\S+) mib=(\\d+)", Duration.ofMinutes(3));
    assertEquals(Integer.toString(DISK_FILL_MIB), wrote.group(2));
    if (name.equals("cold1")) {
      diskMarker = wrote.group(1);
    }
    bed.awaitConsole(id, 0, "^HEARTBEAT 3 ", Duration.ofMinutes(2));
    bed.health(id, 0, 1, 3);
    return created;
  }

  private static int consoleMark() {
    return bed.consoleLines(coldId).size();
  }

  /**
   * After a cold move of cold1: exactly one new boot (on {@code host}), counting heartbeats from 1,
   * no oops, and its disk found intact (the same marker as written at first boot). Returns the
   * memory the new boot reports.
   */
  private static long assertGuestMoved(int mark, String host, long maxMemKib) {
    Matcher boot =
        bed.awaitConsole(coldId, mark, "^FERRY-GUEST boot mem_kib=(\\d+)", Duration.ofMinutes(2));
    Matcher disk =
        bed.awaitConsole(coldId, mark, "^FERRY-GUEST disk (\\S+) id=(\\S+)", Duration.ofMinutes(2));
    assertEquals("ok", disk.group(1), "the guest's check of its copied disk");
    assertEquals(diskMarker, disk.group(2), "the disk written at first boot, not a new one");
    checks.healthAfterMove(coldId, mark, 1);
    long mem = Long.parseLong(boot.group(1));
    if (maxMemKib > 0) {
      assertTrue(mem < maxMemKib, "mem_kib=" + mem);
    }
    BedChecks.log(
        "cold1 on "
            + host
            + ": "
            + bed.consoleLines(coldId).size()
            + " console lines, mem_kib="
            + mem);
    return mem;
  }

  /** A confirm must not touch the running guest: the heartbeat goes on without a gap. */
  private static void assertGuestUndisturbed(int mark) {
    bed.awaitConsole(coldId, mark + 2, "^HEARTBEAT ", Duration.ofSeconds(30));
    checks.healthAfterMove(coldId, mark, -1);
  }

  /** The first test-bed host that is none of {@code busy}. */
  private static String otherThan(String... busy) {
    return HOSTS.stream()
        .filter(h -> !List.of(busy).contains(h))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no free host besides " + List.of(busy)));
  }

  /** Skips (PENDING) until the CLI has {@code command}: the feature has not landed yet. */
  private static void requireFeature(String command, String feature) {
    Assumptions.assumeTrue(
        ferry.ferry(command, "--help").ok(),
        "PENDING " + feature + ": `ferry " + command + "` does not exist yet");
  }

  private static void requireColdInstance() {
    Assumptions.assumeTrue(coldId != null, "cold1 was not created (an earlier scenario failed)");
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long awaitSize(Path p, long atLeast, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long s = size(p);
      if (s >= atLeast) {
        return s;
      }
      Cmd.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError(p + " never reached " + atLeast + " bytes (now " + size(p) + ")");
  }
}
