package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * What the test-bed suites check after a move, and how they wait for it: the guest's health on its
 * console, host and move statuses through the CLI, a live migration started and seen running, the
 * activities a move's history holds. One instance per suite, over its bed and its Ferry.
 */
final class BedChecks {
  private final Testbed bed;
  private final TestbedFerry ferry;

  BedChecks(Testbed bed, TestbedFerry ferry) {
    this.bed = bed;
    this.ferry = ferry;
  }

  /**
   * A live migration started and seen running: its source and destination, its move id, the guest's
   * console line count before it, and the destination's QEMU starts with an incoming migration
   * before it.
   */
  record LiveRun(String source, String dest, String moveId, int mark, int incomingBefore) {}

  /**
   * guest-health.sh after a move: {@code expectBoots} new boots (-1: continuous heartbeat; -2: the
   * whole console, only no oops / corrupt disk). Waits for 3 heartbeats after the boots first.
   */
  void healthAfterMove(String id, int mark, int expectBoots) {
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
  String host(String server) {
    return ferry.server(server).get("host").asText();
  }

  void awaitMoveStatus(String server, String status, Duration timeout) {
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

  /**
   * Starts {@code ferry live-migrate SERVER --host DEST --bandwidth MIBPS} (no --wait) and waits
   * until the move is {@code running} (the libvirt job has started). A small cap keeps the job
   * running for tens of seconds: time for an abort, a force-complete or an agent's death.
   */
  LiveRun startLiveMigration(String server, String id, String dest, int mibps) {
    String source = host(server);
    String name = ferry.server(server).get("name").asText();
    int mark = bed.consoleLines(id).size();
    int incoming = bed.incomingMigrations(dest, name);
    ferry
        .ferry("live-migrate", server, "--host", dest, "--bandwidth", Integer.toString(mibps))
        .expectOk();
    awaitMoveStatus(server, "running", Duration.ofMinutes(2));
    String moveId = ferry.server(server).path("currentMoveId").asText();
    return new LiveRun(source, dest, moveId, mark, incoming);
  }

  void awaitHostStatus(String host, String status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String now = null;
    while (System.nanoTime() < deadline) {
      // right after an engine restart the conductor's queries are refused ("no poller seen for
      // task queue recently") until its workers poll again: not known yet, not a failure
      Cmd.Result list = ferry.jsonCommand("host", "list");
      if (!list.ok()) {
        now = "not known (host list refused: " + list.all().strip() + ")";
      }
      for (JsonNode h : list.ok() ? TestbedFerry.parseJson(list) : List.<JsonNode>of()) {
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

  /**
   * After a live migration: completed, the guest on the destination only (nothing paused or shut
   * off left on the source), exactly one incoming QEMU on the destination (one libvirt job), the
   * source's outbound slot released, and the guest's heartbeat continuous throughout.
   */
  void assertLiveMigrated(String server, String id, LiveRun run) {
    JsonNode move = ferry.json("migration", "show", run.moveId());
    assertEquals("completed", move.path("status").asText(), move::toString);
    JsonNode s = ferry.server(server);
    assertEquals(run.dest(), s.get("host").asText(), s::toString);
    assertEquals("ACTIVE", s.get("vmState").asText(), s::toString);
    assertEquals("running", bed.domState(run.dest(), id));
    assertEquals("absent", bed.domState(run.source(), id), "nothing left on " + run.source());
    for (String h : bed.hosts()) {
      if (!h.equals(run.dest())) {
        assertEquals("absent", bed.domState(h, id), h);
      }
    }
    String name = s.get("name").asText();
    assertEquals(
        run.incomingBefore() + 1,
        bed.incomingMigrations(run.dest(), name),
        "one libvirt migration job: one incoming QEMU on " + run.dest());
    JsonNode source = ferry.json("host", "show", run.source());
    source = source.has("record") ? source.get("record") : source;
    assertFalse(source.path("slotHolders").toString().contains(run.moveId()), source::toString);
    assertFalse(source.path("slotQueue").toString().contains(run.moveId()), source::toString);
    bed.awaitConsole(id, run.mark() + 3, "^HEARTBEAT ", Duration.ofSeconds(30));
    healthAfterMove(id, run.mark(), -1); // one guest all along: the heartbeat never restarted
  }

  JsonNode awaitMoveEnded(String server, Duration timeout) {
    return ferry.awaitServer(server, s -> s.path("currentMoveId").isNull(), timeout);
  }

  /**
   * The attempt number that ran last of each activity of {@code type} the move scheduled, from its
   * history ({@code ferry history export move:<id>}).
   */
  List<Integer> activityAttempts(String moveId, String type) {
    Map<String, Integer> attemptBySchedule = new java.util.LinkedHashMap<>();
    for (JsonNode e : history("move:" + moveId)) {
      String kind = eventType(e);
      if (kind.equalsIgnoreCase("ActivityTaskScheduled") && type.equals(activityType(e))) {
        attemptBySchedule.put(e.path("eventId").asText(), 0);
      } else if (kind.equalsIgnoreCase("ActivityTaskStarted")) {
        JsonNode a = e.path("activityTaskStartedEventAttributes");
        String scheduled = a.path("scheduledEventId").asText();
        if (attemptBySchedule.containsKey(scheduled)) {
          attemptBySchedule.put(scheduled, a.path("attempt").asInt());
        }
      }
    }
    return List.copyOf(attemptBySchedule.values());
  }

  /** A workflow's history events ({@code ferry history export WORKFLOW-ID}). */
  JsonNode history(String workflowId) {
    String json = ferry.ferry("history", "export", workflowId).expectOk().stdout();
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("events");
    } catch (IOException e) {
      throw new AssertionError("not a history:\n" + json, e);
    }
  }

  /** The types of the activities a history scheduled, in order. */
  List<String> activities(JsonNode events) {
    List<String> types = new java.util.ArrayList<>();
    for (JsonNode e : events) {
      if (eventType(e).equalsIgnoreCase("ActivityTaskScheduled")) {
        types.add(activityType(e));
      }
    }
    return types;
  }

  static String eventType(JsonNode event) {
    return event.path("eventType").asText().replace("EVENT_TYPE_", "").replace("_", "");
  }

  static String activityType(JsonNode scheduled) {
    return scheduled
        .path("activityTaskScheduledEventAttributes")
        .path("activityType")
        .path("name")
        .asText();
  }

  static void requireRootOrSkip() {
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

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void log(String message) {
    System.out.println("[testbed-e2e] " + message);
  }
}
