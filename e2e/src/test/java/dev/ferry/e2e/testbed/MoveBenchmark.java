package dev.ferry.e2e.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ferry's speed figures on the real test bed, printed, never asserted: run by {@code
 * scripts/bench.sh} (not a *IT, so the test suite never runs it). Every move goes through the
 * {@code ferry} CLI as an operator's would; the only assertions are that each move succeeded, so a
 * figure is never the time of a failure.
 *
 * <p>Measured: guest boot (create to first heartbeat), live migration (CLI wall clock, and the job
 * time and downtime libvirt recorded on the destination), cold migration with a host-local disk
 * copy (wall clock to VERIFY_RESIZE, copy rate), host evacuation of {@code guests} servers and host
 * drain of {@code guests} servers, each at concurrency 1 and at {@code guests}.
 */
class MoveBenchmark {
  private static final List<String> HOSTS = List.of("host-a", "host-b", "host-c");

  private final int liveRuns = Integer.getInteger("ferry.bench.live", 5);
  private final int coldRuns = Integer.getInteger("ferry.bench.cold", 3);
  private final int guests = Integer.getInteger("ferry.bench.guests", 3);
  private final String diskSize = System.getProperty("ferry.bench.disk", "64M");

  private final List<String> report = new ArrayList<>();
  private Testbed bed;
  private TestbedFerry ferry;
  private int serial;

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void measure() {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "the real test bed needs root");
    bed =
        new Testbed(
            Path.of(System.getProperty("ferry.bench.tb", "/var/tmp/ferry-bench-testbed")),
            System.getProperty("ferry.bench.ns", "ferrybench"),
            HOSTS);
    try {
      figure("set-up: packages + guest image", seconds(this::install));
      figure("set-up: hosts-up.sh (3 hosts)", seconds(bed::hostsUp));
      ferry = new TestbedFerry(bed, Map.of("FERRY_TB_DISKFILL", "16"));
      figure("set-up: engine, conductor, 3 agents", seconds(ferry::up));
      bootAndLive();
      cold();
      drain();
      hostEvacuation();
    } finally {
      if (ferry != null) {
        ferry.close();
      }
      bed.hostsDown();
      print();
    }
  }

  private void install() {
    bed.script(Duration.ofMinutes(10), "install.sh");
    bed.script(Duration.ofMinutes(5), "guest-build.sh");
  }

  private void bootAndLive() {
    List<Double> boots = new ArrayList<>();
    String id = create("bl", "host-a", true, boots);
    List<Double> wall = new ArrayList<>();
    List<Double> job = new ArrayList<>();
    List<Double> downtime = new ArrayList<>();
    String at = "host-a";
    for (int i = 0; i < liveRuns; i++) {
      String to = at.equals("host-a") ? "host-b" : "host-a";
      long t0 = System.nanoTime();
      JsonNode done = ferry.json("live-migrate", "bl", "--host", to, "--wait");
      wall.add(since(t0));
      assertEquals("completed", done.path("status").asText(), done::toString);
      assertEquals("running", bed.domState(to, id));
      job.add(done.path("totalTimeMs").asDouble() / 1000);
      downtime.add(done.path("downtimeMs").asDouble());
      at = to;
    }
    figure("guest boot, create to first heartbeat (s)", boots);
    figure("live migration, CLI --wait wall clock (s), idle 128 MiB guest", wall);
    figure("live migration, libvirt job time on the destination (s)", job);
    figure("live migration, downtime on the destination (ms)", downtime);
    delete("bl");
  }

  private void cold() {
    String id = create("cd", "host-a", false, new ArrayList<>());
    long diskBytes = size(bed.hostPath("host-a", ferry.server("cd").get("diskPath").asText()));
    List<Double> wall = new ArrayList<>();
    List<Double> rate = new ArrayList<>();
    String at = "host-a";
    for (int i = 0; i < coldRuns; i++) {
      String to = at.equals("host-a") ? "host-b" : "host-a";
      long t0 = System.nanoTime();
      ferry.ferry("migrate", "cd", "--host", to, "--confirm-window", "0", "--wait").expectOk();
      double s = since(t0);
      wall.add(s);
      rate.add(diskBytes / 1048576.0 / s);
      ferry.ferry("resize-confirm", "cd").expectOk();
      ferry.awaitServer("cd", n -> n.path("currentMoveId").isNull(), Duration.ofMinutes(2));
      assertEquals("running", bed.domState(to, id));
      at = to;
    }
    figure(
        String.format(
            Locale.ROOT,
            "cold migration + disk copy to VERIFY_RESIZE (s), %.1f MiB qcow2 file",
            diskBytes / 1048576.0),
        wall);
    figure("cold migration, whole move as MiB of disk per second", rate);
    delete("cd");
  }

  private void drain() {
    for (int concurrency : concurrencies()) {
      List<String> names = createMany("dr" + concurrency + "-", "host-a");
      long t0 = System.nanoTime();
      JsonNode view =
          ferry.json("host", "drain", "host-a", "--concurrency", "" + concurrency, "--wait");
      double s = since(t0);
      assertEquals("done", view.path("status").asText(), view::toString);
      assertEquals(List.of(), bed.domains("host-a"), "host-a is empty after the drain");
      figure(
          "host drain of " + guests + " servers, concurrency " + concurrency + " (s)", List.of(s));
      ferry.ferry("host", "enable", "host-a").expectOk();
      names.forEach(this::delete);
    }
  }

  private void hostEvacuation() {
    String failed = "host-c";
    for (int concurrency : concurrencies()) {
      List<String> names = createMany("ev" + concurrency + "-", failed);
      long t0 = System.nanoTime();
      bed.script(Duration.ofMinutes(1), "host-kill.sh", failed);
      awaitHost(failed, "DOWN");
      double toDown = since(t0);
      long t1 = System.nanoTime();
      JsonNode view =
          ferry.json(
              "host",
              "evacuate",
              failed,
              "--fence",
              "confirmed-off",
              "--concurrency",
              "" + concurrency,
              "--wait");
      double evacuate = since(t1);
      assertEquals("done", view.path("status").asText(), view::toString);
      figure(
          "host failure with " + guests + " servers: kill to DOWN (lease lost) (s)",
          List.of(toDown));
      figure(
          "host evacuation of " + guests + " servers, concurrency " + concurrency + " (s)",
          List.of(evacuate));
      long t2 = System.nanoTime();
      bed.script(Duration.ofMinutes(2), "host-revive.sh", failed);
      ferry.startAgent(failed);
      awaitHost(failed, "UP");
      assertEquals(List.of(), bed.domains(failed), "the stale copies are gone");
      figure(
          "revived host: revive to UP with " + guests + " stale copies destroyed (s)",
          List.of(since(t2)));
      names.forEach(this::delete);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private List<Integer> concurrencies() {
    return guests > 1 ? List.of(1, guests) : List.of(1);
  }

  private List<String> createMany(String prefix, String host) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < guests; i++) {
      String name = prefix + i;
      create(name, host, true, new ArrayList<>());
      names.add(name);
    }
    return names;
  }

  /** Creates a t1.nano server and waits for its first heartbeat; adds the boot time. */
  private String create(String name, String host, boolean shared, List<Double> boots) {
    long t0 = System.nanoTime();
    List<String> args =
        new ArrayList<>(
            List.of(
                "server",
                "create",
                "--name",
                name,
                "--flavor",
                "t1.nano",
                "--host",
                host,
                "--disk-size",
                diskSize));
    if (shared) {
      args.add("--shared");
    }
    String id = ferry.json(args.toArray(String[]::new)).get("id").asText();
    bed.awaitConsole(id, 0, "^HEARTBEAT 1 ", Duration.ofMinutes(2));
    boots.add(since(t0));
    // the guest fills its disk at first boot: moves measured before that would copy an empty file
    bed.awaitConsole(id, 0, "^FERRY-GUEST disk wrote", Duration.ofMinutes(2));
    serial++;
    return id;
  }

  private void delete(String name) {
    ferry.ferry("server", "delete", name).expectOk();
  }

  private void awaitHost(String host, String status) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode shown = ferry.json("host", "show", host);
      JsonNode r = shown.has("record") ? shown.get("record") : shown;
      if (status.equals(r.path("status").asText())) {
        return;
      }
      Cmd.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(host + " never became " + status);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<Double> seconds(Runnable step) {
    long t0 = System.nanoTime();
    step.run();
    return List.of(since(t0));
  }

  private void figure(String what, List<Double> values) {
    if (values.isEmpty()) {
      return;
    }
    List<Double> sorted = values.stream().sorted().toList();
    double median =
        sorted.size() % 2 == 1
            ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    String line =
        sorted.size() == 1
            ? String.format(Locale.ROOT, "%10.2f %29s  %s", median, "", what)
            : String.format(
                Locale.ROOT,
                "%10.2f  (min %7.2f max %7.2f n=%2d)  %s",
                median,
                sorted.get(0),
                sorted.get(sorted.size() - 1),
                sorted.size(),
                what);
    report.add(line);
    System.out.println("[bench] " + line.trim());
  }

  private void print() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Ferry benchmark on the real test bed (%d cores, TCG guests, %d servers created)%n"
                    + "    median  (spread)                     figure%n",
                Runtime.getRuntime().availableProcessors(),
                serial));
    report.forEach(l -> out.append(l).append('\n'));
    System.out.print(out);
    Path file = Testbed.ROOT.resolve("e2e/target/benchmark.txt");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, out.toString());
    } catch (IOException e) {
      System.out.println("cannot write " + file + ": " + e.getMessage());
    }
  }
}
