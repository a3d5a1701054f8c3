package dev.ferry.e2e.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Ferry on the test bed, as an operator runs it: the engine and the conductor started by {@code
 * scripts/cluster.sh}, one host agent per test-bed host started through {@code
 * testbed/host-exec.sh} (FERRY_TESTBED=1), and every request through the {@code ferry} CLI.
 */
final class TestbedFerry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Testbed bed;
  private final Map<String, String> agentEnv;
  private final Path stateDir;
  private final int port;
  private final int uiPort;

  /** {@code agentEnv}: test-bed tunables for the agents (FERRY_TB_COPY_MIBPS, ...). */
  TestbedFerry(Testbed bed, Map<String, String> agentEnv) {
    this.bed = bed;
    this.agentEnv = Map.copyOf(agentEnv);
    try {
      stateDir = Files.createTempDirectory("ferry-testbed-e2e");
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

  Path log(String process) {
    return stateDir.resolve("logs/" + process + ".log");
  }

  String logText(String process) {
    try {
      return Files.readString(log(process));
    } catch (IOException e) {
      return "";
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(bed.env());
    env.putAll(agentEnv);
    env.put("FERRY_TESTBED", "1");
    env.put("FERRY_STATE_DIR", stateDir.toString());
    env.put("FERRY_PORT", Integer.toString(port));
    env.put("FERRY_UI_PORT", Integer.toString(uiPort));
    return env;
  }

  private Cmd.Result cluster(Duration timeout, String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", Testbed.ROOT.resolve("scripts/cluster.sh").toString()));
    command.addAll(List.of(args));
    return Cmd.run(command, env(), timeout);
  }

  void up() {
    List<String> args = new ArrayList<>(List.of("up"));
    args.addAll(bed.hosts());
    cluster(Duration.ofMinutes(5), args.toArray(String[]::new)).expectOk();
  }

  /** SIGKILL of a process ({@code agent-host-a}, {@code conductor}): a crash. */
  void kill(String process) {
    cluster(Duration.ofSeconds(30), "kill", process).expectOk();
  }

  /** Starts the engine again (after {@link #kill}): the same database, the same port. */
  void startEngine() {
    cluster(Duration.ofMinutes(2), "start", "engine").expectOk();
  }

  void startAgent(String host) {
    cluster(Duration.ofMinutes(3), "start", "agent", host).expectOk();
  }

  long pid(String process) {
    try {
      return Long.parseLong(Files.readString(stateDir.resolve("pids/" + process + ".pid")).trim());
    } catch (IOException e) {
      return -1;
    }
  }

  /** Runs {@code ferry --target localhost:<port> ARGS...} through the repository's launcher. */
  Cmd.Result ferry(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(Testbed.ROOT.resolve("ferry").toString(), "--target", "localhost:" + port));
    command.addAll(List.of(args));
    return Cmd.run(command, Map.of(), Duration.ofMinutes(5));
  }

  /** A ferry command that must succeed and print JSON. */
  JsonNode json(String... args) {
    return parseJson(jsonCommand(args).expectOk());
  }

  /** {@code ferry --output json ARGS...}, whatever its exit: for callers that accept a refusal. */
  Cmd.Result jsonCommand(String... args) {
    List<String> withJson = new ArrayList<>(List.of("--output", "json"));
    withJson.addAll(List.of(args));
    return ferry(withJson.toArray(String[]::new));
  }

  /** The JSON a successful command printed. */
  static JsonNode parseJson(Cmd.Result result) {
    try {
      return JSON.readTree(result.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON:\n" + result.all(), e);
    }
  }

  JsonNode server(String name) {
    return json("server", "show", name);
  }

  JsonNode awaitServer(String name, Predicate<JsonNode> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = server(name);
      if (done.test(last)) {
        return last;
      }
      Cmd.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("server " + name + " never reached the expected state: " + last);
  }

  @Override
  public void close() {
    cluster(Duration.ofMinutes(2), "down");
  }
}
