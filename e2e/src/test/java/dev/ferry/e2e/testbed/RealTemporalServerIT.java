package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded engine is a real Temporal server with its database on disk: a {@code kill -9} of it
 * in the middle of a move loses nothing. Each scenario kills the Temporal server at a chosen moment
 * of a move on the real test bed, keeps it down for {@link #DOWN_FOR}, starts it again on the same
 * database, and then asserts that the move reached its right terminal status, that libvirt agrees
 * with Ferry's record, that the guest was started exactly as often as the move needs (its console
 * counts boots), and that every host was UP again within {@link #BACK_UP_WITHIN} of the restart (an
 * agent whose lease ran out while the server was away registers again by itself).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class RealTemporalServerIT {
  private static final List<String> HOSTS = List.of("host-a", "host-b", "host-c");

  /** Longer than the hosts' lease heartbeat timeout (10 s): every lease runs out meanwhile. */
  private static final Duration DOWN_FOR = Duration.ofSeconds(20);

  /** "No host DOWN for more than about 10 s" once the server is back, with margin for 2 cores. */
  private static final Duration BACK_UP_WITHIN = Duration.ofSeconds(20);

  private static final Timings TIMINGS = new Timings();
  private static Testbed bed;
  private static TestbedFerry ferry;
  private static BedChecks checks;
  private static BedSuite suite;

  @BeforeAll
  @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
  static void setUp() {
    suite =
        BedSuite.up(
            "RESTART_",
            "/var/tmp/ferry-e2e-restart",
            "ferryrst",
            HOSTS,
            Map.of("FERRY_TB_DISKFILL", "4"),
            TIMINGS);
    bed = suite.bed;
    ferry = suite.ferry;
    checks = suite.checks;
  }

  @AfterAll
  static void tearDown() {
    if (suite != null) {
      suite.down("real-temporal-server-timings.txt");
    }
  }

  @Test
  @Order(1)
  void resizeWaitingInVerifyResizeIsConfirmedAfterTheRestart(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    String id = create("rs1", "host-a");
    int before = bed.consoleLines(id).size();
    ferry.ferry("migrate", "rs1", "--host", "host-b", "--wait").expectOk();
    JsonNode waiting = ferry.server("rs1");
    assertEquals("RESIZED", waiting.path("vmState").asText(), waiting::toString);
    checks.healthAfterMove(id, before, 1); // booted once on host-b, and heartbeating
    int mark = bed.consoleLines(id).size();

    restartEngine("rs1 in VERIFY_RESIZE");

    JsonNode still = ferry.server("rs1");
    assertEquals("RESIZED", still.path("vmState").asText(), "the record survived: " + still);
    assertEquals("finished", still.path("currentMoveStatus").asText(), still::toString);
    ferry.ferry("resize-confirm", "rs1").expectOk();
    JsonNode confirmed =
        ferry.awaitServer("rs1", s -> s.path("currentMoveId").isNull(), Duration.ofMinutes(2));
    assertEquals("host-b", confirmed.path("host").asText(), confirmed::toString);
    assertEquals("ACTIVE", confirmed.path("vmState").asText(), confirmed::toString);
    assertEquals("running", bed.domState("host-b", id));
    assertEquals("absent", bed.domState("host-a", id), "confirm removed the source");
    checks.healthAfterMove(id, mark, -1); // the guest ran on undisturbed: no new boot
    ferry.ferry("server", "delete", "rs1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(2)
  void liveMigrationWhoseJobRunsWhileTheServerIsDownCompletes(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    String id = create("lm1", "host-a");
    // capped: the libvirt job runs for tens of seconds, through the server's absence
    BedChecks.LiveRun run = checks.startLiveMigration("lm1", id, "host-c", 4);
    assertTrue(bed.jobActive("host-a", id), "the job runs when the server dies");

    restartEngine("lm1's libvirt job running");

    JsonNode ended = checks.awaitMoveEnded("lm1", Duration.ofMinutes(5));
    BedChecks.log("lm1 after the restart: " + ended);
    checks.assertLiveMigrated("lm1", id, run);
    ferry.ferry("server", "delete", "lm1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(3)
  void evacuationInTheMiddleOfItsRebuildEndsDoneWithOneBoot(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    String id = create("ev1", "host-b");
    int mark = bed.consoleLines(id).size();
    bed.script(Duration.ofMinutes(1), "host-kill.sh", "host-b");
    checks.awaitHostStatus("host-b", "DOWN", Duration.ofMinutes(2));
    String moveId =
        ferry
            .json("evacuate", "ev1", "--host", "host-a", "--fence", "confirmed-off")
            .path("moveId")
            .asText();
    // the server dies the moment the rebuild has defined the domain (a CLI call first would let
    // the rebuild finish)
    bed.awaitDomState("host-a", id, state -> !state.equals("absent"), "defined by the rebuild");

    restartEngine("ev1's rebuild on host-a", "host-b");
    assertEquals(36, moveId.length(), "the evacuation's move id: " + moveId);

    checks.awaitMoveEnded("ev1", Duration.ofMinutes(5));
    JsonNode move = ferry.json("migration", "show", moveId);
    assertEquals("done", move.path("status").asText(), move::toString);
    JsonNode s = ferry.server("ev1");
    assertEquals("host-a", s.path("host").asText(), s::toString);
    assertEquals("ACTIVE", s.path("vmState").asText(), s::toString);
    assertEquals("running", bed.domState("host-a", id));
    assertEquals("absent", bed.domState("host-c", id));
    checks.healthAfterMove(id, mark, 1); // rebuilt once: exactly one new boot

    bed.script(Duration.ofMinutes(2), "host-revive.sh", "host-b");
    ferry.startAgent("host-b");
    assertEquals("absent", bed.domState("host-b", id), "the stale copy went before host-b served");
    checks.awaitHostStatus("host-b", "UP", Duration.ofMinutes(2));
    checks.healthAfterMove(id, mark, 1);
    ferry.ferry("server", "delete", "ev1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  @Test
  @Order(4)
  void powerOnWhoseCompletionNeverReachedTheServerIsNotRepeated(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    String id = create("po1", "host-c");
    int mark = bed.consoleLines(id).size();
    String moveId = ferry.json("migrate", "po1", "--host", "host-a").path("moveId").asText();
    // the destination's power-on has returned the moment libvirt says running: kill the server
    // before the agent's completion of that activity can reach it
    bed.awaitDomState("host-a", id, "running"::equals, "started on the destination");

    restartEngine("po1 just powered on at host-a");
    assertEquals(36, moveId.length(), "the migration's move id: " + moveId);

    JsonNode waiting =
        ferry.awaitServer(
            "po1",
            s -> "finished".equals(s.path("currentMoveStatus").asText()),
            Duration.ofMinutes(5));
    assertEquals("RESIZED", waiting.path("vmState").asText(), waiting::toString);
    assertEquals("running", bed.domState("host-a", id));
    assertEquals("shut off", bed.domState("host-c", id), "the source waits for confirm, stopped");
    checks.healthAfterMove(id, mark, 1); // started once on host-a, never twice
    ferry.ferry("resize-confirm", "po1").expectOk();
    ferry.awaitServer("po1", x -> x.path("currentMoveId").isNull(), Duration.ofMinutes(2));
    JsonNode move = ferry.json("migration", "show", moveId);
    assertEquals("confirmed", move.path("status").asText(), move::toString);
    assertEquals("absent", bed.domState("host-c", id));
    checks.healthAfterMove(id, mark, 1);
    ferry.ferry("server", "delete", "po1").expectOk();
    TIMINGS.stop(info.getDisplayName());
  }

  /** A t1.nano guest with a 16M shared disk, booted and heartbeating. Returns its id. */
  private static String create(String name, String host) {
    String id = createWithoutWaiting(name, host);
    bed.awaitConsole(id, 0, "^HEARTBEAT 3 ", Duration.ofMinutes(3));
    return id;
  }

  /**
   * SIGKILL of the Temporal server, {@link #DOWN_FOR} without it, a start on the same database;
   * then every host but {@code deadHosts} must be UP again within {@link #BACK_UP_WITHIN}.
   */
  private static void restartEngine(String during, String... deadHosts) {
    BedChecks.log("kill -9 of the Temporal server: " + during);
    TIMINGS.time("kill -9 the engine (" + during + ")", () -> ferry.kill("engine"));
    Cmd.sleep(DOWN_FOR);
    TIMINGS.time("start the engine on the same database", ferry::startEngine);
    long started = System.nanoTime();
    for (String host : HOSTS) {
      if (!List.of(deadHosts).contains(host)) {
        checks.awaitHostStatus(host, "UP", BACK_UP_WITHIN);
      }
    }
    TIMINGS.record(
        "every live host UP after the restart (" + during + ")", System.nanoTime() - started);
  }

  /**
   * Ten running guests drained at concurrency 10: ten live migrations at once, each claiming on the
   * one placement workflow and taking an outbound slot on the one source HostWorkflow. Zero errors;
   * the server's pushbacks (retried) are counted from the conductor's log and printed.
   */
  @Test
  @Order(5)
  void drainOfTenGuestsAtConcurrencyTenHasNoErrors(TestInfo info) {
    TIMINGS.start(info.getDisplayName());
    Map<String, String> ids = new java.util.LinkedHashMap<>();
    Map<String, Integer> marks = new java.util.HashMap<>();
    TIMINGS.time(
        "create 10 guests on host-c",
        () -> {
          for (int i = 1; i <= 10; i++) {
            String name = "dn" + i;
            ids.put(name, createWithoutWaiting(name, "host-c"));
          }
          ids.values()
              .forEach(id -> bed.awaitConsole(id, 0, "^HEARTBEAT 3 ", Duration.ofMinutes(5)));
        });
    ids.forEach((name, id) -> marks.put(name, bed.consoleLines(id).size()));

    JsonNode view =
        TIMINGS.time(
            "host drain host-c --concurrency 10 --wait (10 guests, live)",
            () -> ferry.json("host", "drain", "host-c", "--concurrency", "10", "--wait"));
    assertEquals("done", view.path("status").asText(), view::toString);
    assertEquals(10, view.path("done").asInt(), view::toString);
    for (JsonNode item : view.path("items")) {
      assertEquals("completed", item.path("moveStatus").asText(), item::toString);
    }
    assertEquals(List.of(), bed.domains("host-c"), "host-c is empty");
    ids.forEach(
        (name, id) -> {
          String now = ferry.server(name).path("host").asText();
          assertEquals("running", bed.domState(now, id), name + " on " + now);
          bed.awaitConsole(id, marks.get(name) + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
          checks.healthAfterMove(id, marks.get(name), -1); // live: never restarted
        });
    BedChecks.log(
        "drain of 10 at concurrency 10: zero errors; the server pushed back "
            + ferry
                .logText("conductor")
                .lines()
                .filter(l -> l.contains("Temporal pushed back"))
                .count()
            + " conductor call(s), all retried");
    ferry.ferry("host", "enable", "host-c").expectOk();
    ids.keySet().forEach(name -> ferry.ferry("server", "delete", name).expectOk());
    TIMINGS.stop(info.getDisplayName());
  }

  private static String createWithoutWaiting(String name, String host) {
    return ferry
        .json(
            "server",
            "create",
            "--name",
            name,
            "--flavor",
            "t1.nano",
            "--host",
            host,
            "--disk-size",
            "16M",
            "--shared")
        .get("id")
        .asText();
  }
}
