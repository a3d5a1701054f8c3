package dev.ferry.e2e.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real test bed of {@code testbed/}: one libvirtd per simulated host in its own namespaces,
 * QEMU (TCG) guests. This suite's bed has its own state directory and namespace prefix, so it can
 * run beside a developer's bed on the same machine; it tears down only what it started.
 */
final class Testbed {
  static final Path ROOT =
      Path.of(System.getProperty("ferry.root", "..")).toAbsolutePath().normalize();

  private final Path dir;
  private final String namespacePrefix;
  private final List<String> hosts;
  private boolean startedHosts;

  Testbed(Path dir, String namespacePrefix, List<String> hosts) {
    this.dir = dir;
    this.namespacePrefix = namespacePrefix;
    this.hosts = List.copyOf(hosts);
  }

  Path dir() {
    return dir;
  }

  List<String> hosts() {
    return hosts;
  }

  /** The environment every test-bed script (and cluster.sh with FERRY_TESTBED=1) needs. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("FERRY_TB", dir.toString());
    env.put("FERRY_TB_NS", namespacePrefix);
    return env;
  }

  /** install.sh (packages, kernel), guest-build.sh, hosts-up.sh: each timed by the caller. */
  Cmd.Result script(Duration timeout, String script, String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", ROOT.resolve("testbed/" + script).toString()));
    command.addAll(List.of(args));
    return Cmd.run(command, env(), timeout).expectOk();
  }

  void hostsUp() {
    startedHosts = hosts.stream().noneMatch(this::daemonAlive);
    List<String> args = new ArrayList<>(hosts);
    script(Duration.ofMinutes(3), "hosts-up.sh", args.toArray(String[]::new));
  }

  /** Tears down the hosts if this run started them (their processes, namespaces and state). */
  void hostsDown() {
    if (startedHosts) {
      Cmd.run(
          List.of("bash", ROOT.resolve("testbed/hosts-down.sh").toString(), "--wipe"),
          env(),
          Duration.ofMinutes(2));
      deleteTree(dir.resolve("consoles"));
      deleteTree(dir.resolve("shared"));
      deleteTree(dir.resolve("domains"));
    }
  }

  private boolean daemonAlive(String host) {
    Path pid = dir.resolve("hosts/" + host + "/daemon.pid");
    try {
      if (!Files.exists(pid)) {
        return false;
      }
      long p = Long.parseLong(Files.readString(pid).trim());
      return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** libvirt of {@code host} as a client in the root namespace reaches it. */
  String uri(String host) {
    return "qemu+unix:///system?socket=" + dir.resolve("hosts/" + host + "/run/libvirt-sock");
  }

  Cmd.Result virsh(String host, String... args) {
    List<String> command = new ArrayList<>(List.of("virsh", "-q", "-c", uri(host)));
    command.addAll(List.of(args));
    return Cmd.run(command, Map.of(), Duration.ofSeconds(60));
  }

  /** {@code running}, {@code shut off}, ... or {@code absent} when the host has no such domain. */
  String domState(String host, String uuid) {
    Cmd.Result r = virsh(host, "domstate", uuid);
    return r.ok() ? r.stdout().trim().lines().findFirst().orElse("") : "absent";
  }

  /**
   * Polls {@link #domState} every 50 ms until {@code wanted} holds (at most 3 min); returns that
   * state. Fine-grained on purpose: scenarios act on the moment a move reaches a state.
   */
  String awaitDomState(String host, String uuid, Predicate<String> wanted, String what) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String now = domState(host, uuid);
    while (!wanted.test(now)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(uuid + " was never " + what + " on " + host + ": " + now);
      }
      Cmd.sleep(Duration.ofMillis(50));
      now = domState(host, uuid);
    }
    return now;
  }

  /** The domain's maximum memory in KiB, from {@code virsh dominfo}. */
  long maxMemoryKib(String host, String uuid) {
    String info = virsh(host, "dominfo", uuid).expectOk().stdout();
    Matcher m = Pattern.compile("Max memory:\\s+(\\d+) KiB").matcher(info);
    if (!m.find()) {
      throw new AssertionError("no max memory in dominfo:\n" + info);
    }
    return Long.parseLong(m.group(1));
  }

  /** True while libvirt on {@code host} runs a job (a migration) for the domain. */
  boolean jobActive(String host, String uuid) {
    Cmd.Result r = virsh(host, "domjobinfo", uuid);
    return r.ok() && r.stdout().matches("(?s).*Job type:\\s+(Unbounded|Bounded).*");
  }

  /**
   * How many times a QEMU was started on {@code host} to receive an incoming migration of domain
   * {@code name}: libvirt logs each QEMU's command line (with {@code -incoming}) to the host's
   * {@code qemu/<name>.log}. One migration job = one incoming QEMU on its destination.
   */
  int incomingMigrations(String host, String name) {
    Path log = dir.resolve("hosts/" + host + "/log/qemu/" + name + ".log");
    if (!Files.exists(log)) {
      return 0;
    }
    try {
      return (int)
          Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
              .filter(l -> l.contains("-incoming"))
              .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every domain name on the host, defined or running. */
  List<String> domains(String host) {
    return virsh(host, "list", "--all", "--name")
        .expectOk()
        .stdout()
        .lines()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** The host-local instances directory of {@code host}, as seen from the root namespace. */
  Path localDir(String host) {
    return dir.resolve("hosts/" + host + "/local");
  }

  /** The shared instances directory (the same for every host). */
  Path sharedDir() {
    return dir.resolve("shared");
  }

  /** Where a path inside {@code host} ({@code /var/lib/ferry/local/x}) is in the root namespace. */
  Path hostPath(String host, String pathInHost) {
    if (pathInHost.startsWith("/var/lib/ferry/local/")) {
      return localDir(host).resolve(pathInHost.substring("/var/lib/ferry/local/".length()));
    }
    if (pathInHost.startsWith("/var/lib/ferry/shared/")) {
      return sharedDir().resolve(pathInHost.substring("/var/lib/ferry/shared/".length()));
    }
    throw new IllegalArgumentException("not an instances path: " + pathInHost);
  }

  /** Files in every host's local directory and in the shared one: what a move may leave behind. */
  List<String> storageFiles() {
    List<String> files = new ArrayList<>();
    for (String host : hosts) {
      list(localDir(host)).forEach(f -> files.add(host + ":" + f));
    }
    list(sharedDir()).forEach(f -> files.add("shared:" + f));
    return files;
  }

  private static List<String> list(Path d) {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code qemu-img compare -U}: true when the two disks hold the same guest-visible data. */
  Cmd.Result compareDisks(Path a, Path b) {
    return Cmd.run(
        List.of("qemu-img", "compare", "-U", a.toString(), b.toString()),
        Map.of(),
        Duration.ofMinutes(2));
  }

  // ---- the guest's serial console ------------------------------------------------------------

  Path console(String instanceId) {
    return dir.resolve("consoles/" + instanceId + ".log");
  }

  /** The console's lines so far (without CRs and NULs); empty before the first boot. */
  List<String> consoleLines(String instanceId) {
    Path log = console(instanceId);
    if (!Files.exists(log)) {
      return List.of();
    }
    try {
      String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      return text.replace("\r", "").replace("\0", "").lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until a console line after {@code sinceLine} matches; returns the match. */
  Matcher awaitConsole(String instanceId, int sinceLine, String regex, Duration timeout) {
    return awaitConsoleLine(instanceId, sinceLine, regex, timeout).matcher();
  }

  /** A console line that matched, and its index (0-based). */
  record Match(int index, Matcher matcher) {}

  Match awaitConsoleLine(String instanceId, int sinceLine, String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = consoleLines(instanceId);
      for (int i = sinceLine; i < lines.size(); i++) {
        Matcher m = p.matcher(lines.get(i));
        if (m.find()) {
          return new Match(i, m);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "console of "
                + instanceId
                + " shows no /"
                + regex
                + "/ after line "
                + sinceLine
                + " within "
                + timeout
                + "; its end:\n"
                + tail(lines, 30));
      }
      Cmd.sleep(Duration.ofMillis(200));
    }
  }

  /**
   * testbed/guest-health.sh on the console, judging lines after {@code sinceLine}: no kernel
   * oops/BUG/panic, no corrupt disk, and either a continuous heartbeat ({@code expectBoots < 0}) or
   * exactly {@code expectBoots} boots each counting from 1. A failure is never retried: it carries
   * the console's end for the report.
   */
  String health(String instanceId, int sinceLine, int expectBoots, int minHeartbeats) {
    return health(instanceId, sinceLine, expectBoots, minHeartbeats, 5);
  }

  /** {@link #health} with the longest stall allowed between two heartbeats ({@code --max-gap}). */
  String health(String instanceId, int sinceLine, int expectBoots, int minHeartbeats, int maxGap) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                ROOT.resolve("testbed/guest-health.sh").toString(),
                console(instanceId).toString(),
                "--since-line",
                Integer.toString(sinceLine),
                "--min-heartbeats",
                Integer.toString(minHeartbeats),
                "--max-age",
                "10",
                "--max-gap",
                Integer.toString(maxGap)));
    if (expectBoots < 0) {
      command.add("--expect-continuous");
    } else {
      command.addAll(List.of("--expect-boots", Integer.toString(expectBoots)));
    }
    Cmd.Result r = Cmd.run(command, env(), Duration.ofSeconds(30));
    if (!r.ok()) {
      throw new AssertionError(
          "guest "
              + instanceId
              + " is not healthy:\n"
              + r.stdout()
              + r.stderr()
              + "console since line "
              + sinceLine
              + ":\n"
              + tail(
                  consoleLines(instanceId)
                      .subList(
                          Math.min(sinceLine, consoleLines(instanceId).size()),
                          consoleLines(instanceId).size()),
                  60));
    }
    return r.stdout().trim();
  }

  static String tail(List<String> lines, int n) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
