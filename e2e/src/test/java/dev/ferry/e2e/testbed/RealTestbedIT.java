package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Ferry end to end on the REAL test bed (issue 4): three simulated hosts, each a libvirtd in its
 * own namespaces with a Ferry host agent started inside its mount and UTS namespaces; the engine
 * and the conductor from scripts/cluster.sh; QEMU (TCG) busybox guests with a root disk; every
 * request through the {@code ferry} CLI. Each scenario asserts on libvirt (virsh over the hosts'
 * unix sockets), on the disks, and on the guest's serial console, and checks the guest's health
 * after every move (an oops fails the test: it is never retried away).
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

  /** Disk copies are capped so the agent-kill scenario can catch one in the middle. */
  private static final int COPY_MIB_PER_SECOND = 8;

  /** MiB of random data each new guest writes to its disk at first boot (and checks later). */
  private static final int DISK_FILL_MIB = 32;

  /** MemTotal a guest reports for 128 MiB (t1.nano) and for 192 MiB (t1.micro). */
  private static final long NANO_MEM_KIB_MAX = 100_000;

  private static final long MICRO_MEM_KIB_MIN = 150_000;

  private static final Timings TIMINGS = new Timings();
  private static Testbed bed;
  private static TestbedFerry ferry;

  /** The instance the cold-move scenarios carry from host to host, and what its disk holds. */
  private static String coldId;

  private static String diskMarker;

  @BeforeAll
  @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
  static void setUp() {
    requireRootOrSkip();
    TIMINGS.start("total");
    bed =
        new Testbed(
            Path.of(env("FERRY_E2E_TB", "/var/tmp/ferry-e2e-testbed")),
            env("FERRY_E2E_TB_NS", "ferrye2e"),
            HOSTS);
    log("test bed in " + bed.dir() + " (namespaces " + bed.env().get("FERRY_TB_NS") + "-*)");
    TIMINGS.time("setup: install.sh", () -> bed.script(Duration.ofMinutes(10), "install.sh"));
    TIMINGS.time(
        "setup: guest-build.sh", () -> bed.script(Duration.ofMinutes(5), "guest-build.sh"));
    TIMINGS.time("setup: hosts-up.sh (3 hosts)", bed::hostsUp);
    ferry =
        new TestbedFerry(
            bed,
            Map.of(
                "FERRY_TB_COPY_MIBPS", Integer.toString(COPY_MIB_PER_SECOND),
                "FERRY_TB_DISKFILL", Integer.toString(DISK_FILL_MIB)));
    TIMINGS.time("setup: cluster.sh up (engine, conductor, 3 agents)", ferry::up);
  }

  @AfterAll
  static void tearDown() {
    if (bed == null) {
      return;
    }
    boolean keep = "1".equals(System.getenv("FERRY_TESTBED_KEEP"));
    if (keep) {
      log("FERRY_TESTBED_KEEP=1: leaving the cluster (port " + ferry.port() + ") and hosts up");
    } else {
      TIMINGS.time(
          "teardown: cluster.sh down + hosts-down.sh",
          () -> {
            if (ferry != null) {
              ferry.close();
            }
            bed.hostsDown();
          });
    }
    TIMINGS.stop("total");
    TIMINGS.report(Testbed.ROOT.resolve("e2e/target/testbed-timings.txt"));
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

    // host-b's agent streams the disk at 8 MiB/s: kill it once a few MiB have arrived on host-a
    long partial = awaitSize(onA, 2L << 20, Duration.ofMinutes(2));
    assertTrue(partial < full, "caught mid-copy: " + partial + " of " + full + " bytes");
    long pid = ferry.pid("agent-host-b");
    TIMINGS.time("SIGKILL host-b's agent", () -> ferry.kill("agent-host-b"));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "agent dead");
    assertTrue(bed.virsh("host-b", "uri").ok(), "host-b's libvirtd is untouched");
    log(
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
    healthAfterMove(id, mark, 1);
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
    assertEquals("running", bed.domState("host-b", liveId));
    assertEquals("absent", bed.domState("host-a", liveId));
    bed.awaitConsole(liveId, mark + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    healthAfterMove(liveId, mark, -1); // one guest all along: the heartbeat never restarted
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(7)
  void liveMigrationAbortKeepsTheGuestOnItsSource(TestInfo info) {
    requireFeature("live-migration", "live-migration abort (dev.ferry.live)");
    Assumptions.assumeTrue(liveId != null, "live1 was not live-migrated (scenario 6)");
    TIMINGS.start(info.getDisplayName());
    String source = host("live1");
    String dest = otherThan(source, "host-a");
    int mark = bed.consoleLines(liveId).size();
    // 1 MiB/s: the copy of the guest's memory takes tens of seconds, time enough to abort it
    ferry.ferry("live-migrate", "live1", "--host", dest, "--bandwidth", "1").expectOk();
    awaitMoveStatus("live1", "running", Duration.ofMinutes(2));
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
    healthAfterMove(liveId, mark, -1);
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(8)
  void liveMigrationForceCompleteFinishesIt(TestInfo info) {
    requireFeature("live-migration", "live-migration force-complete (dev.ferry.live)");
    Assumptions.assumeTrue(liveId != null, "live1 was not live-migrated (scenario 6)");
    TIMINGS.start(info.getDisplayName());
    String source = host("live1");
    String dest = otherThan(source, "host-a");
    int mark = bed.consoleLines(liveId).size();
    ferry.ferry("live-migrate", "live1", "--host", dest, "--bandwidth", "2").expectOk();
    awaitMoveStatus("live1", "running", Duration.ofMinutes(2));
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
    log("force-complete: " + bed.health(liveId, mark, -1, 3, 120));
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(9)
  void blockMigrationCopiesAHostLocalDiskLive(TestInfo info) {
    requireFeature("live-migrate", "block migration (dev.ferry.live)");
    requireColdInstance();
    TIMINGS.start(info.getDisplayName());
    String source = host("cold1");
    String dest = otherThan(source, host("live1"));
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
    healthAfterMove(coldId, mark, -1);
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(10)
  void evacuationRebuildsOnAnotherHostAndTheRevivedHostCleansUp(TestInfo info) {
    requireFeature("evacuate", "evacuation (dev.ferry.evacuate)");
    Assumptions.assumeTrue(liveId != null, "live1 was not created (live migration scenario)");
    TIMINGS.start(info.getDisplayName());
    String failed = host("live1");
    String target = otherThan(failed, host("cold1"));
    int mark = bed.consoleLines(liveId).size();
    // power loss of the host: its libvirtd, the guest's QEMU and the agent die together
    TIMINGS.time(
        "host-kill.sh " + failed, () -> bed.script(Duration.ofMinutes(1), "host-kill.sh", failed));
    TIMINGS.time(
        "until " + failed + " is DOWN (lease lost)",
        () -> awaitHostStatus(failed, "DOWN", Duration.ofMinutes(2)));
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
    healthAfterMove(liveId, mark, 1); // rebuilt: exactly one new boot, from the shared disk
    assertEquals(
        "ok",
        bed.awaitConsole(liveId, mark, "^FERRY-GUEST disk (\\S+)", Duration.ofMinutes(1)).group(1));

    // the failed host comes back: its agent destroys the stale copy before it serves
    TIMINGS.time(
        "host-revive.sh " + failed,
        () -> bed.script(Duration.ofMinutes(2), "host-revive.sh", failed));
    TIMINGS.time("restart " + failed + "'s agent", () -> ferry.startAgent(failed));
    assertEquals(List.of(), bed.domains(failed), "the stale copy is gone");
    awaitHostStatus(failed, "UP", Duration.ofMinutes(2));
    ferry.ferry("server", "delete", "live1").expectOk();
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
    healthAfterMove(coldId, 0, -2); // the whole console: no oops, no corrupt disk, ever
    TIMINGS.stop(info.getDisplayName());
  }

  // ---- helpers -------------------------------------------------------------------------------

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
    healthAfterMove(coldId, mark, 1);
    long mem = Long.parseLong(boot.group(1));
    if (maxMemKib > 0) {
      assertTrue(mem < maxMemKib, "mem_kib=" + mem);
    }
    log(
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
    healthAfterMove(coldId, mark, -1);
  }

  /**
   * guest-health.sh after a move: {@code expectBoots} new boots (-1: continuous heartbeat; -2: the
   * whole console, only no oops / corrupt disk). Waits for 3 heartbeats after the boots first.
   */
  private static void healthAfterMove(String id, int mark, int expectBoots) {
    if (expectBoots == -2) {
      List<String> bad =
          bed.consoleLines(id).stream()
              .filter(
                  l ->
                      l.matches(
                          ".*(Oops|BUG:|Kernel panic|Call Trace|general protection fault|disk CORRUPT).*"))
              .collect(Collectors.toList());
      assertEquals(List.of(), bad, "kernel errors on the console of " + id);
      return;
    }
    if (expectBoots > 0) {
      // judge the new boot once it has run a little: 3 heartbeats after its banner
      int boot =
          bed.awaitConsoleLine(id, mark, "^FERRY-GUEST boot ", Duration.ofMinutes(2)).index();
      bed.awaitConsole(id, boot, "^HEARTBEAT 3 ", Duration.ofMinutes(2));
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try {
        String ok = bed.health(id, mark, expectBoots, 3);
        log("health of " + id + " since line " + mark + ": " + ok);
        return;
      } catch (AssertionError e) {
        // too few heartbeats yet is the only thing worth waiting for; an oops is final
        boolean tooEarly =
            e.getMessage().contains("only ")
                && e.getMessage().contains("heartbeats after line")
                && !e.getMessage().contains("kernel error")
                && !e.getMessage().contains("CORRUPT");
        if (!tooEarly || System.nanoTime() > deadline) {
          throw e;
        }
        Cmd.sleep(Duration.ofSeconds(1));
      }
    }
  }

  /** The host the server's record names. */
  private static String host(String server) {
    return ferry.server(server).get("host").asText();
  }

  /** The first test-bed host that is none of {@code busy}. */
  private static String otherThan(String... busy) {
    return HOSTS.stream()
        .filter(h -> !List.of(busy).contains(h))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no free host besides " + List.of(busy)));
  }

  private static void awaitMoveStatus(String server, String status, Duration timeout) {
    ferry.awaitServer(
        server,
        s -> {
          String now = s.path("currentMoveStatus").asText();
          if (s.path("currentMoveId").isNull() && !now.equals(status)) {
            throw new AssertionError(server + "'s move ended before it was " + status + ": " + s);
          }
          return now.equals(status);
        },
        timeout);
  }

  /** Skips (PENDING) until the CLI has {@code command}: the feature has not landed yet. */
  private static void requireFeature(String command, String feature) {
    Assumptions.assumeTrue(
        ferry.ferry(command, "--help").ok(),
        "PENDING " + feature + ": `ferry " + command + "` does not exist yet");
  }

  private static void awaitHostStatus(String host, String status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String now = null;
    while (System.nanoTime() < deadline) {
      for (JsonNode h : ferry.json("host", "list")) {
        JsonNode r = h.has("record") ? h.get("record") : h;
        if (host.equals(r.path("name").asText())) {
          now = r.path("status").asText();
        }
      }
      if (status.equals(now)) {
        return;
      }
      Cmd.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError(host + " is " + now + ", not " + status + ", after " + timeout);
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

  private static void requireRootOrSkip() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if ("1".equals(System.getenv("FERRY_TESTBED_SKIP"))) {
      Assumptions.abort("FERRY_TESTBED_SKIP=1: the real test bed suite is skipped");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      if (ci) {
        throw new AssertionError("CI=true but not root: the real test bed needs root");
      }
      Assumptions.abort("not root: the real test bed (namespaces, libvirtd) is skipped");
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void log(String message) {
    System.out.println("[testbed-e2e] " + message);
  }
}
