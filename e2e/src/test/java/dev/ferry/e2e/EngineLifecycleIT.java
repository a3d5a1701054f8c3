package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded engine's own promises, through {@code scripts/cluster.sh start|kill engine}: its
 * database lives as long as the hosts it describes, and what keeps it from starting is one line
 * naming the cause, a non-zero exit, and nothing left running.
 */
class EngineLifecycleIT {
  private Path state;
  private int port;

  @BeforeEach
  void freshStateDir() throws IOException {
    state = Files.createTempDirectory("ferry-engine");
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
  }

  @AfterEach
  void down() {
    cluster("down");
  }

  private Processes.Result cluster(String... args) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("bash", FerryCluster.ROOT.resolve("scripts/cluster.sh").toString()));
    command.addAll(List.of(args));
    return Processes.run(
        command,
        Map.of(
            "FERRY_STATE_DIR",
            state.toString(),
            "FERRY_PORT",
            Integer.toString(port),
            "FERRY_UI_PORT",
            Integer.toString(freePort())),
        Duration.ofMinutes(2));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path db() {
    return state.resolve("engine/temporal.db");
  }

  private boolean engineRunning() {
    return cluster("status").stdout().contains("engine running");
  }

  @Test
  void theDatabaseSurvivesAKillAndGoesWithItsHosts() throws IOException {
    FerryCluster.expectOk(cluster("start", "engine"));
    assertTrue(Files.size(db()) > 0, "the database is on disk");
    FerryCluster.expectOk(cluster("kill", "engine"));
    Processes.Result again = cluster("start", "engine");
    FerryCluster.expectOk(again);
    assertFalse(again.all().contains("starting clean"), again::all);

    // the hosts it described are torn down behind its back: the next start says so
    Files.writeString(state.resolve("hosts/generation"), "another-set-of-hosts");
    FerryCluster.expectOk(cluster("kill", "engine"));
    Processes.Result fresh = cluster("start", "engine");
    FerryCluster.expectOk(fresh);
    assertTrue(fresh.all().contains("describes hosts that no longer exist"), fresh::all);

    FerryCluster.expectOk(cluster("down"));
    assertFalse(Files.exists(db()), "down deletes the database with the hosts");
  }

  @Test
  void aTakenPortIsOneLineAndNothingStarts() throws IOException {
    try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      Processes.Result r = cluster("start", "engine");
      assertEquals(1, r.exitCode(), r::all);
      List<String> lines = r.stderr().lines().toList();
      assertEquals(1, lines.size(), r::all);
      assertTrue(
          lines.get(0).startsWith("engine: error: port " + port + " is already in use"), r::all);
      assertFalse(engineRunning());
    }
  }

  @Test
  void aCorruptDatabaseIsOneLineAndNothingStarts() throws IOException {
    FerryCluster.expectOk(cluster("start", "engine"));
    FerryCluster.expectOk(cluster("kill", "engine"));
    Files.writeString(db(), "not a database at all");
    Processes.Result r = cluster("start", "engine");
    assertEquals(1, r.exitCode(), r::all);
    List<String> lines = r.stderr().lines().toList();
    assertEquals(1, lines.size(), r::all);
    assertTrue(lines.get(0).startsWith("engine: error: the database " + db()), r::all);
    assertTrue(lines.get(0).contains("not an SQLite database"), r::all);
    assertFalse(engineRunning());
  }
}
