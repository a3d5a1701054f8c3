package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryClientOptions;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Ferry as a user runs it: the engine, the conductor and two host agents as separate processes on
 * libvirt test:/// hosts, driven only through the `ferry` CLI. Moves here are definition-only (the
 * mock driver has no volume streams); the disk path is proven on the real test bed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedClusterIT {
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

  /** Exit statuses of ferry ('ferry --help'): 3 not found, 4 conflict, 5 invalid, 6 unreachable. */
  private static final int INVALID = 5;

  private static final int NOT_FOUND = 3;
  private static final int CONFLICT = 4;
  private static final int UNREACHABLE = 6;

  private static Processes.Result expectRefused(int status, String... args) {
    Processes.Result result = cluster.ferry(args);
    assertEquals(status, result.exitCode(), () -> "expected a refusal, got:\n" + result.all());
    assertTrue(
        result.stderr().startsWith("ferry: error: "), () -> "one-line reason:\n" + result.all());
    return result;
  }

  private static List<String> serverNames() {
    List<String> names = new ArrayList<>();
    cluster.json("server", "list").forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  @Test
  @Order(1)
  void hostsRegisterUpWithTheirCapacity() {
    JsonNode hosts = cluster.json("host", "list");
    assertEquals(2, hosts.size(), hosts::toString);
    for (JsonNode host : hosts) {
      assertEquals("UP", host.get("record").get("status").asText(), host::toString);
      assertEquals(16384, host.get("capacity").get("memoryMb").asInt(), host::toString);
    }
  }

  @Test
  @Order(2)
  void createListShowDelete() {
    JsonNode created =
        cluster.json("server", "create", "--name", "web1", "--flavor", "m1.small", "--host", "h1");
    assertEquals("ACTIVE", created.get("vmState").asText(), created::toString);
    assertEquals("h1", created.get("host").asText());
    assertTrue(serverNames().contains("web1"));

    JsonNode shown = cluster.json("server", "show", "web1");
    assertEquals(created.get("id").asText(), shown.get("id").asText());
    assertEquals("RUNNING", shown.get("powerState").asText());

    cluster.json("server", "delete", "web1");
    assertFalse(serverNames().contains("web1"));
    expectRefused(NOT_FOUND, "server", "show", "web1");
  }

  @Test
  @Order(3)
  void badInputIsRefusedAndChangesNothing() {
    List<String> before = serverNames();
    expectRefused(
        NOT_FOUND, "server", "create", "--name", "x1", "--flavor", "m9.huge", "--host", "h1");
    expectRefused(
        NOT_FOUND, "server", "create", "--name", "x1", "--flavor", "m1.small", "--host", "nowhere");
    expectRefused(
        INVALID, "server", "create", "--name", "bad name!", "--flavor", "m1.small", "--host", "h1");
    // 16 GiB per host: two xlarge (16 GiB each) cannot both fit on h2
    cluster.json("server", "create", "--name", "big1", "--flavor", "m1.xlarge", "--host", "h2");
    expectRefused(
        CONFLICT, "server", "create", "--name", "big2", "--flavor", "m1.xlarge", "--host", "h2");
    expectRefused(
        CONFLICT, "server", "create", "--name", "big1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("server", "delete", "big1");

    cluster.json("host", "disable", "h2", "--reason", "maintenance");
    expectRefused(
        CONFLICT, "server", "create", "--name", "x2", "--flavor", "m1.small", "--host", "h2");
    cluster.json("host", "enable", "h2");
    cluster.json("host", "set-down", "h2");
    expectRefused(
        CONFLICT, "server", "create", "--name", "x3", "--flavor", "m1.small", "--host", "h2");
    cluster.json("host", "set-up", "h2");

    expectRefused(NOT_FOUND, "server", "show", "no-such-server");
    expectRefused(NOT_FOUND, "resize-confirm", "no-such-server");
    assertEquals(before, serverNames());
  }

  @Test
  @Order(4)
  void unreachableTemporalFailsFastWithAClearError() {
    Processes.Result result =
        Processes.run(
            List.of(
                "java",
                "-jar",
                FerryCluster.ROOT.resolve("starter-cli/target/ferry-cli-all.jar").toString(),
                "--target",
                "localhost:1",
                "host",
                "list"),
            java.util.Map.of(),
            Duration.ofSeconds(60));
    assertEquals(UNREACHABLE, result.exitCode(), result::all);
    assertTrue(result.stderr().contains("cannot reach Temporal at localhost:1"), result::all);
    assertTrue(result.took().toSeconds() < 20, () -> "took " + result.took());
  }

  @Test
  @Order(4)
  void anAgentWithAnUnreachableLibvirtUriExitsWithAClearErrorAndRegistersNothing() {
    String uri = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
    Processes.Result result =
        Processes.run(
            List.of(
                "java",
                "-jar",
                FerryCluster.ROOT.resolve("worker/target/ferry-worker-exec.jar").toString(),
                "--ferry.role=agent",
                "--ferry.host.name=h9",
                "--ferry.host.libvirt-uri=" + uri,
                "--ferry.temporal.target=localhost:" + cluster.port()),
            java.util.Map.of(),
            Duration.ofSeconds(90));
    assertEquals(1, result.exitCode(), result::all);
    assertTrue(result.stderr().contains("ferry-worker: error: "), result::all);
    assertTrue(result.stderr().contains(uri), result::all);
    assertEquals(2, cluster.json("host", "list").size(), "no host h9 was registered");
  }

  @Test
  @Order(5)
  void adoptsADomainFerryDidNotDefine() {
    JsonNode unmanaged = cluster.json("host", "show", "h1").get("record").get("unmanagedDomains");
    assertTrue(unmanaged.toString().contains("legacy-vm"), unmanaged::toString);
    cluster.json("server", "adopt", "h1", "legacy-vm");
    JsonNode adopted = cluster.json("server", "show", "legacy-vm");
    assertEquals("aaaaaaaa-0000-4000-8000-000000000001", adopted.get("id").asText());
    assertEquals("ACTIVE", adopted.get("vmState").asText());
    assertEquals("h1", adopted.get("host").asText());
  }

  @Test
  @Order(6)
  void coldMigrationThenConfirm() {
    cluster.json("server", "create", "--name", "mig1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("migrate", "mig1", "--host", "h2", "--wait");
    JsonNode waiting = cluster.json("server", "show", "mig1");
    assertEquals("RESIZED", waiting.get("vmState").asText(), waiting::toString);
    expectRefused(CONFLICT, "migrate", "mig1", "--host", "h1"); // busy: one move at a time

    cluster.json("resize-confirm", "mig1");
    JsonNode done = cluster.json("server", "show", "mig1");
    assertEquals("ACTIVE", done.get("vmState").asText(), done::toString);
    assertEquals("h2", done.get("host").asText());
    assertEquals(1, done.get("epoch").asLong());
    expectRefused(CONFLICT, "resize-confirm", "mig1"); // nothing awaits a confirmation now

    List<String> statuses = new ArrayList<>();
    cluster
        .json("migration", "show", "mig1")
        .get("log")
        .forEach(c -> statuses.add(c.get("to").asText()));
    assertEquals(
        List.of(
            "PRE_MIGRATING", "MIGRATING", "POST_MIGRATING", "FINISHED", "CONFIRMING", "CONFIRMED"),
        statuses);
  }

  @Test
  @Order(7)
  void resizeThenRevertRestoresTheSourceAndFlavor() {
    cluster.json("server", "create", "--name", "rev1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("resize", "rev1", "--flavor", "m1.small", "--host", "h2", "--wait");
    JsonNode resized = cluster.json("server", "show", "rev1");
    assertEquals("RESIZED", resized.get("vmState").asText(), resized::toString);
    cluster.json("resize-revert", "rev1");
    JsonNode reverted = cluster.json("server", "show", "rev1");
    assertEquals("ACTIVE", reverted.get("vmState").asText(), reverted::toString);
    assertEquals("h1", reverted.get("host").asText());
    assertEquals("m1.tiny", reverted.get("flavor").get("name").asText());
  }

  @Test
  @Order(8)
  void resizeAutoConfirmsAfterTheWindow() {
    cluster.json("server", "create", "--name", "auto1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("resize", "auto1", "--flavor", "m1.small", "--confirm-window", "2", "--wait");
    JsonNode confirmed =
        cluster.awaitServer(
            "auto1",
            s -> s.get("vmState").asText().equals("ACTIVE") && s.get("currentMoveId").isNull(),
            Duration.ofSeconds(60));
    assertEquals("m1.small", confirmed.get("flavor").get("name").asText());
    assertEquals("h2", confirmed.get("host").asText());
  }

  @Test
  @Order(9)
  void shutoffInstanceStaysShutoffThroughAMove() {
    cluster.json("server", "adopt", "h1", "legacy-off");
    assertEquals("STOPPED", cluster.json("server", "show", "legacy-off").get("vmState").asText());
    cluster.json("migrate", "legacy-off", "--host", "h2", "--wait");
    cluster.json("resize-confirm", "legacy-off");
    JsonNode moved = cluster.json("server", "show", "legacy-off");
    assertEquals("STOPPED", moved.get("vmState").asText(), moved::toString);
    assertEquals("SHUTDOWN", moved.get("powerState").asText(), moved::toString);
    assertEquals("h2", moved.get("host").asText());
  }

  @Test
  @Order(10)
  void conductorKilledMidMoveResumesAndEverythingAnswers() {
    cluster.json("server", "create", "--name", "crash1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("migrate", "crash1", "--host", "h2");
    cluster.kill("conductor");
    cluster.start("conductor");
    cluster.awaitServer(
        "crash1", s -> s.get("vmState").asText().equals("RESIZED"), Duration.ofSeconds(90));
    cluster.json("resize-confirm", "crash1");
    JsonNode done = cluster.json("server", "show", "crash1");
    assertEquals("h2", done.get("host").asText());
    assertEquals("ACTIVE", done.get("vmState").asText());
    assertEquals(2, cluster.json("host", "list").size());
    assertTrue(serverNames().containsAll(List.of("crash1", "mig1", "rev1", "legacy-vm")));
  }

  /**
   * A real server allows 10 in-flight Updates per workflow: 20 creations at once all go through the
   * one placement workflow's admission. None may fail; the server's pushbacks are retried with
   * backoff and counted (printed, not asserted: how many depends on timing).
   */
  @Test
  @Order(11)
  void twentyServersCreatedAtOnceAllSucceed() throws Exception {
    int n = 20;
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add("burst" + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try (FerryClient ferry =
        FerryClient.connect(
            FerryClientOptions.defaults().withTarget("localhost:" + cluster.port()))) {
      List<Future<InstanceRecord>> created = new ArrayList<>();
      for (String name : names) {
        created.add(
            pool.submit(
                () -> ferry.servers().create(name, "m1.tiny", null, Duration.ofMinutes(3))));
      }
      for (Future<InstanceRecord> f : created) {
        assertEquals(VmState.ACTIVE, f.get(4, TimeUnit.MINUTES).vmState);
      }
      assertTrue(serverNames().containsAll(names), () -> serverNames().toString());

      List<Future<InstanceRecord>> deleted = new ArrayList<>();
      for (String name : names) {
        deleted.add(pool.submit(() -> ferry.servers().delete(name).record()));
      }
      for (Future<InstanceRecord> f : deleted) {
        f.get(4, TimeUnit.MINUTES);
      }
      List<String> left = serverNames();
      assertTrue(names.stream().noneMatch(left::contains), left::toString);
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "[e2e] 20 servers at once: the server pushed back "
            + FerryClient.pushbacks()
            + " client call(s) and "
            + cluster.logLines("conductor", "Temporal pushed back")
            + " conductor call(s); all retried, zero errors");
  }

  @Test
  @Order(90)
  void migrationListFindsAColdMigrationByServerTypeAndHost() {
    cluster.json("server", "create", "--name", "list1", "--flavor", "m1.tiny", "--host", "h1");
    String moveId =
        cluster.json("migrate", "list1", "--host", "h2", "--wait").get("moveId").asText();

    // The visibility store takes each status upsert a moment after the workflow makes it.
    JsonNode rows = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      rows = cluster.json("migration", "list", "--server", "list1", "--type", "migration");
      if (rows.size() == 1 && rows.get(0).get("status").asText().equals("finished")) {
        break;
      }
      FerryCluster.sleep(Duration.ofMillis(500));
    }
    assertEquals(1, rows.size(), rows::toString);
    JsonNode row = rows.get(0);
    assertEquals(moveId, row.get("id").asText(), row::toString);
    assertEquals("list1", row.get("server").asText(), row::toString);
    assertEquals("h1", row.get("sourceHost").asText(), row::toString);
    assertEquals("h2", row.get("destHost").asText(), row::toString);
    assertEquals("migration", row.get("type").asText(), row::toString);
    assertEquals("finished", row.get("status").asText(), row::toString);

    JsonNode live =
        cluster.json("migration", "list", "--server", "list1", "--type", "live-migration");
    assertEquals(0, live.size(), live::toString);
    List<String> intoH2 = new ArrayList<>();
    cluster
        .json("migration", "list", "--host", "h2", "--type", "migration")
        .forEach(m -> intoH2.add(m.get("id").asText()));
    assertTrue(intoH2.contains(moveId), intoH2::toString);
    cluster.json("resize-confirm", "list1");
  }

  /**
   * An agent frozen past its lease's heartbeat timeout (as when the Temporal server is away that
   * long) used to leave its host DOWN for good while it went on running. Now it notices, comes back
   * the way it starts under a new incarnation, and serves.
   */
  @Test
  @Order(95)
  void anAgentFrozenPastItsLeaseComesBackUpUnderANewIncarnationAndServes() {
    JsonNode before = cluster.json("host", "show", "h2").get("record");
    assertEquals("UP", before.get("status").asText(), before::toString);
    String incarnation = before.get("incarnation").asText();

    long stoppedAt = System.nanoTime();
    cluster.signal("agent-h2", "STOP");
    try {
      JsonNode down =
          cluster.awaitHostRecord(
              "h2", r -> r.get("status").asText().equals("DOWN"), Duration.ofSeconds(30));
      assertTrue(down.get("downReason").asText().startsWith("agent lease lost"), down::toString);
      // Frozen ~15 s in all: past the heartbeat timeout (10 s) and the SDK's local one (+5 s).
      Duration frozen = Duration.ofNanos(System.nanoTime() - stoppedAt);
      if (frozen.compareTo(Duration.ofSeconds(15)) < 0) {
        FerryCluster.sleep(Duration.ofSeconds(15).minus(frozen));
      }
    } finally {
      cluster.signal("agent-h2", "CONT");
    }
    long continuedAt = System.nanoTime();

    JsonNode back =
        cluster.awaitHostRecord(
            "h2",
            r ->
                r.get("status").asText().equals("UP")
                    && !r.get("incarnation").asText().equals(incarnation),
            Duration.ofSeconds(15));
    System.out.printf(
        "h2 UP again under incarnation %s %d ms after SIGCONT (was %s)%n",
        back.get("incarnation").asText(),
        Duration.ofNanos(System.nanoTime() - continuedAt).toMillis(),
        incarnation);

    cluster.json("server", "create", "--name", "back1", "--flavor", "m1.tiny", "--host", "h1");
    cluster.json("migrate", "back1", "--host", "h2", "--wait");
    cluster.json("resize-confirm", "back1");
    JsonNode moved = cluster.json("server", "show", "back1");
    assertEquals("h2", moved.get("host").asText(), moved::toString);
    assertEquals("ACTIVE", moved.get("vmState").asText(), moved::toString);
    assertEquals("UP", cluster.json("host", "show", "h2").get("record").get("status").asText());
  }
}
