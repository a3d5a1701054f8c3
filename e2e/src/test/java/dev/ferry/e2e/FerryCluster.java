package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Ferry deployment of separate processes (engine, conductor, host agents on libvirt test:///
 * hosts) run by scripts/cluster.sh on a free port with its own state dir, driven through the
 * packaged `ferry` CLI jar.
 */
final class FerryCluster implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("ferry.root", "..")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path stateDir;
  private final int port;
  private final int uiPort;

  FerryCluster() {
    try {
      stateDir = Files.createTempDirectory("ferry-e2e");
      try (ServerSocket socket = new ServerSocket(0);
          ServerSocket ui = new ServerSocket(0)) {
        port = socket.getLocalPort();
        uiPort = ui.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /** The engine's Temporal Web UI (localhost only). */
  String webUi() {
    return "http://localhost:" + uiPort;
  }

  void up(String... hosts) {
    List<String> command = new ArrayList<>(List.of("bash", script(), "up"));
    command.addAll(List.of(hosts));
    expectOk(cluster(command, Duration.ofMinutes(4)));
  }

  void kill(String process) {
    expectOk(cluster(List.of("bash", script(), "kill", process), Duration.ofSeconds(30)));
  }

  void start(String... process) {
    List<String> command = new ArrayList<>(List.of("bash", script(), "start"));
    command.addAll(List.of(process));
    expectOk(cluster(command, Duration.ofMinutes(2)));
  }

  /**
   * Sends {@code sig} (e.g. STOP, CONT) to a process scripts/cluster.sh started (agent-h2, ...).
   */
  void signal(String process, String sig) {
    try {
      String pid = Files.readString(stateDir.resolve("pids/" + process + ".pid")).trim();
      expectOk(Processes.run(List.of("kill", "-" + sig, pid), Map.of(), Duration.ofSeconds(10)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Processes.Result cluster(List<String> command, Duration timeout) {
    return Processes.run(
        command,
        Map.of(
            "FERRY_STATE_DIR",
            stateDir.toString(),
            "FERRY_PORT",
            Integer.toString(port),
            "FERRY_UI_PORT",
            Integer.toString(uiPort)),
        timeout);
  }

  /** Runs `ferry --target localhost:<port> ARGS...`. */
  Processes.Result ferry(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                ROOT.resolve("starter-cli/target/ferry-cli-all.jar").toString(),
                "--target",
                "localhost:" + port));
    command.addAll(List.of(args));
    return Processes.run(command, Map.of(), Duration.ofMinutes(3));
  }

  /** Runs a ferry command that must succeed and print JSON. */
  JsonNode json(String... args) {
    List<String> withJson = new ArrayList<>(List.of("--output", "json"));
    withJson.addAll(List.of(args));
    Processes.Result result = ferry(withJson.toArray(String[]::new));
    expectOk(result);
    try {
      return JSON.readTree(result.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result.stdout(), e);
    }
  }

  /** Polls `server show NAME` until {@code done} holds. */
  JsonNode awaitServer(String name, Predicate<JsonNode> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = json("server", "show", name);
      if (done.test(last)) {
        return last;
      }
      sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("server " + name + " never reached the expected state: " + last);
  }

  /** How many lines of a process's log contain {@code text}. */
  long logLines(String process, String text) {
    try (var lines = Files.lines(stateDir.resolve("logs/" + process + ".log"))) {
      return lines.filter(l -> l.contains(text)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls `host show NAME` until its record satisfies {@code done}; returns that record. */
  JsonNode awaitHostRecord(String name, Predicate<JsonNode> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = json("host", "show", name).get("record");
      if (done.test(last)) {
        return last;
      }
      sleep(Duration.ofMillis(250));
    }
    throw new AssertionError("host " + name + " never reached the expected state: " + last);
  }

  static void expectOk(Processes.Result result) {
    assertEquals(0, result.exitCode(), () -> "expected success, got:\n" + result.all());
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String script() {
    return ROOT.resolve("scripts/cluster.sh").toString();
  }

  @Override
  public void close() {
    cluster(List.of("bash", script(), "down"), Duration.ofMinutes(1));
  }
}
