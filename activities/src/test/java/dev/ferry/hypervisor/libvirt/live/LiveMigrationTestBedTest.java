package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.libvirt.DomainXml;
import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.live.DestinationCheck;
import dev.ferry.live.DestinationFacts;
import dev.ferry.live.FinishedAtDestination;
import dev.ferry.live.JobOutcome;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobRequest;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.live.PrepareRequest;
import dev.ferry.live.SourceFacts;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.PowerState;
import dev.ferry.model.TimeoutAction;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The live-migration activities on the REAL test bed (libvirtd per host in namespaces, QEMU TCG
 * guests): runs only when host-a and host-b of {@code $FERRY_TB} are up ({@code testbed/hosts-up.sh
 * host-a host-b}, with the same {@code FERRY_TB} / {@code FERRY_TB_NS}). The activities run here,
 * in the root namespace, with the unix-socket URIs and the hosts' directories mapped; the source's
 * libvirtd reaches the destination peer-to-peer at {@code qemu+tcp://host-b/system}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiveMigrationTestBedTest {

  private static final Path TB =
      Path.of(
          System.getProperty(
              "ferry.tb", System.getenv().getOrDefault("FERRY_TB", "/var/tmp/ferry-testbed")));
  private static final Path REPO_TESTBED = Path.of("..", "testbed").toAbsolutePath().normalize();

  private static LibvirtConnection a;
  private static LibvirtConnection b;

  private final List<String> signals = new CopyOnWriteArrayList<>();
  private final List<String> guests = new ArrayList<>();
  private final Map<String, TestActivityEnvironment> envs = new java.util.HashMap<>();

  /** host-a's environment: the one a test cancels the job in. */
  private TestActivityEnvironment env;

  @BeforeAll
  static void bedIsUp() {
    Assumptions.assumeTrue(
        Files.exists(socket("host-a")) && Files.exists(socket("host-b")),
        "test bed not up at " + TB + " (testbed/hosts-up.sh host-a host-b)");
    try {
      a = LibvirtConnection.open(uri("host-a"));
      b = LibvirtConnection.open(uri("host-b"));
    } catch (RuntimeException e) {
      close();
      Assumptions.abort("test bed at " + TB + " does not answer: " + e.getMessage());
    }
  }

  @AfterAll
  static void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    envs.values().forEach(TestActivityEnvironment::close);
    for (String name : guests) {
      for (LibvirtConnection c : List.of(a, b)) {
        c.call(
            conn -> {
              try {
                Domain d = conn.domainLookupByName(name);
                if (d.isActive() == 1) {
                  d.destroy();
                }
                if (d.isPersistent() == 1) {
                  d.undefine();
                }
              } catch (LibvirtException e) {
                // not there
              }
              return null;
            });
      }
      Files.deleteIfExists(TB.resolve("shared").resolve(name + ".qcow2"));
      Files.deleteIfExists(TB.resolve("consoles").resolve(name + ".log"));
      for (String h : List.of("host-a", "host-b")) {
        Files.deleteIfExists(TB.resolve("hosts/" + h + "/lib/images/" + name + ".qcow2"));
      }
    }
  }

  // ---- the scenarios -------------------------------------------------------------------------

  @Test
  void sharedStorageLiveMigrationKeepsTheGuestRunningAndRetagsItAtTheDestination()
      throws Exception {
    String name = guest(128, 4, "/var/lib/ferry/shared/%s.qcow2");
    String uuid = uuidOf(a, name);
    LiveMigrationHostActivities onA = activities("host-a", a);
    LiveMigrationHostActivities onB = activities("host-b", b);

    // Nova's checks, for real: facts, destination checks, the shared-storage probe.
    SourceFacts facts = onA.inspectSource(uuid);
    assertEquals("QEMU", facts.hypervisorType());
    assertEquals(1, facts.disks().size());
    assertNotNull(facts.guestCpuXml());
    DestinationFacts df =
        onB.checkDestination(
            new DestinationCheck("m-" + name, uuid, facts, List.of("/var/lib/ferry/shared")));
    assertEquals(1, df.probePaths().size());
    assertEquals(df.probePaths(), onA.probesSeen(df.probePaths()), "shared dir seen by both");
    onB.removeProbes(df.probePaths());
    assertEquals(
        List.of(), onB.prepareDestination(new PrepareRequest("m", uuid, false, facts.disks())));
    System.out.println("[testbed] CPU check on host-b: " + df.cpuComparison());

    long line = lines(name);
    long t0 = System.nanoTime();
    JobOutcome out = onA.migrate(job(uuid, false, true, options(0L, 500L, false), 300, 1));
    double wallSeconds = (System.nanoTime() - t0) / 1e9;

    assertEquals(Result.COMPLETED, out.result(), out.message());
    assertEquals(SourceState.GONE, out.source());
    assertTrue(signals.get(0).startsWith(LiveMigrationWorkflow.JOB_STARTED_SIGNAL));
    FinishedAtDestination fin = onB.finishAtDestination(uuid, 1);
    assertEquals(PowerState.RUNNING, fin.view().powerState());
    assertEquals(1, fin.view().epoch());
    assertEquals(1, tagOf(b, uuid, Domain.XMLFlags.INACTIVE), "persistent XML re-tagged");
    assertEquals(1, tagOf(b, uuid, 0), "running XML re-tagged");
    assertFalse(exists(a, uuid), "undefined at the source");
    assertNotNull(fin.totalTimeMs(), "completed-job stats on the destination");
    System.out.printf(
        "[testbed] live migration 128 MiB dirty 4: activity wall %.2f s, job %d ms, downtime %d"
            + " ms (destination's completed-job stats)%n",
        wallSeconds, fin.totalTimeMs(), fin.downtimeMs());
    Thread.sleep(4000);
    health(name, line, 5);
  }

  @Test
  void abortOfAGuestDirtyingFasterThanTheCapKeepsItOnTheSource() throws Exception {
    String name = guest(256, 64, null);
    String uuid = uuidOf(a, name);
    LiveMigrationHostActivities onA = activities("host-a", a);
    long line = lines(name);

    CompletableFuture<JobOutcome> job =
        CompletableFuture.supplyAsync(
            () -> onA.migrate(job(uuid, false, false, options(16L, 100L, false), 600, 1)));
    awaitJob(uuid);
    Thread.sleep(3000);
    assertFalse(job.isDone(), "a 64 MiB/s dirtier under a 16 MiB/s cap never converges");
    env.requestCancelActivity();
    JobOutcome out = job.get(60, TimeUnit.SECONDS);

    assertEquals(Result.ABORTED, out.result(), out.message());
    assertEquals(SourceState.RUNNING, out.source());
    assertTrue(exists(a, uuid));
    assertFalse(activeOn(b, uuid), "no copy runs at the destination");
    System.out.printf(
        "[testbed] abort after %.1f s: memory iteration %d, remaining %d MiB%n",
        out.elapsedMs() / 1000.0, out.last().iteration(), out.last().dataRemainingBytes() >> 20);
    Thread.sleep(3000);
    health(name, line, 5);
  }

  @Test
  void forceCompleteCompletesAMigrationThatWouldNotConverge() throws Exception {
    String name = guest(256, 64, null);
    String uuid = uuidOf(a, name);
    LiveMigrationHostActivities onA = activities("host-a", a);
    LiveMigrationHostActivities onB = activities("host-b", b);
    long line = lines(name);

    CompletableFuture<JobOutcome> job =
        CompletableFuture.supplyAsync(
            () -> onA.migrate(job(uuid, false, false, options(16L, 100L, false), 600, 1)));
    awaitJob(uuid);
    Thread.sleep(3000);
    assertFalse(job.isDone());
    long t0 = System.nanoTime();
    assertEquals("suspend", impl("host-a", a).forceComplete(uuid, false));
    JobOutcome out = job.get(120, TimeUnit.SECONDS);
    double afterForce = (System.nanoTime() - t0) / 1e9;

    assertEquals(Result.COMPLETED, out.result(), out.message());
    FinishedAtDestination fin = onB.finishAtDestination(uuid, 1);
    System.out.printf(
        "[testbed] force-complete (suspend): done %.2f s after it, job %d ms, downtime %d ms,"
            + " destination %s%n",
        afterForce, fin.totalTimeMs(), fin.downtimeMs(), fin.view().powerState());
    assertEquals(PowerState.RUNNING, fin.view().powerState(), "resumed at the destination");
    Thread.sleep(3000);
    // Continuous (no reboot, no jump), with one stall: the pause that made the job converge.
    health(name, line, (int) (fin.downtimeMs() / 1000) + 3);
  }

  @Test
  void forceCompleteSwitchesToPostCopyWhenPermitted() throws Exception {
    String name = guest(256, 64, null);
    String uuid = uuidOf(a, name);
    LiveMigrationHostActivities onA = activities("host-a", a);
    LiveMigrationHostActivities onB = activities("host-b", b);
    long line = lines(name);

    CompletableFuture<JobOutcome> job =
        CompletableFuture.supplyAsync(
            () -> onA.migrate(job(uuid, false, false, options(16L, 100L, true), 600, 1)));
    awaitJob(uuid);
    Thread.sleep(3000);
    assertFalse(job.isDone());
    long t0 = System.nanoTime();
    assertEquals("post-copy", impl("host-a", a).forceComplete(uuid, true));
    JobOutcome out = job.get(120, TimeUnit.SECONDS);
    double afterForce = (System.nanoTime() - t0) / 1e9;

    assertEquals(Result.COMPLETED, out.result(), out.message());
    assertTrue(out.postCopy(), "the job saw post-copy start");
    assertTrue(
        signals.stream()
            .anyMatch(x -> x.startsWith(LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL)),
        signals.toString());
    FinishedAtDestination fin = onB.finishAtDestination(uuid, 1);
    assertEquals(PowerState.RUNNING, fin.view().powerState());
    System.out.printf(
        "[testbed] force-complete (post-copy): done %.2f s after it, job %d ms, downtime %d ms%n",
        afterForce, fin.totalTimeMs(), fin.downtimeMs());
    Thread.sleep(3000);
    health(name, line, 5);
  }

  @Test
  void blockMigrationCopiesTheLocalDiskIntoTheDiskPreLiveMigrationCreated() throws Exception {
    String name = guest(128, 4, "/var/lib/libvirt/images/%s.qcow2");
    String uuid = uuidOf(a, name);
    LiveMigrationHostActivities onA = activities("host-a", a);
    LiveMigrationHostActivities onB = activities("host-b", b);
    SourceFacts facts = onA.inspectSource(uuid);
    String disk = "/var/lib/libvirt/images/" + name + ".qcow2";
    DestinationFacts df =
        onB.checkDestination(
            new DestinationCheck("m-" + name, uuid, facts, List.of("/var/lib/libvirt/images")));
    assertEquals(List.of(), onA.probesSeen(df.probePaths()), "host-local: not shared");
    onB.removeProbes(df.probePaths());
    assertEquals(
        List.of(disk),
        onB.prepareDestination(new PrepareRequest("m-" + name, uuid, true, facts.disks())));
    long line = lines(name);

    JobOutcome out = onA.migrate(job(uuid, true, false, options(0L, 500L, false), 300, 1));

    assertEquals(Result.COMPLETED, out.result(), out.message());
    FinishedAtDestination fin = onB.finishAtDestination(uuid, 1);
    Path src = TB.resolve("hosts/host-a/lib/images/" + name + ".qcow2");
    Path dst = TB.resolve("hosts/host-b/lib/images/" + name + ".qcow2");
    System.out.printf(
        "[testbed] block migration 128 MiB + 64 MiB disk: job %d ms, downtime %d ms; %s%n",
        fin.totalTimeMs(),
        fin.downtimeMs(),
        run(List.of("qemu-img", "compare", "-U", src.toString(), dst.toString())).trim());
    onA.removeDisks(List.of(disk)); // post_live_migration at the source
    assertFalse(Files.exists(src));
    assertTrue(Files.exists(dst));
    Thread.sleep(3000);
    health(name, line, 5);
  }

  // ---- harness -------------------------------------------------------------------------------

  /** Defines and starts a guest on host-a; returns its name once it heartbeats. */
  private String guest(int memMiB, int dirtyMiB, String diskPattern) throws Exception {
    String name = "lm" + Long.toHexString(System.nanoTime() & 0xffffff);
    guests.add(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                REPO_TESTBED.resolve("guest-define.sh").toString(),
                "host-a",
                name,
                Integer.toString(memMiB),
                "--dirty",
                Integer.toString(dirtyMiB),
                "--start"));
    if (diskPattern != null) {
      cmd.addAll(List.of("--disk", String.format(diskPattern, name)));
    }
    run(cmd);
    Path console = TB.resolve("consoles").resolve(name + ".log");
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(console)
          && Files.readString(console, StandardCharsets.ISO_8859_1).contains("HEARTBEAT 3 ")) {
        tag(name);
        return name;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("guest " + name + " did not boot");
  }

  /** Ferry's owner tag at epoch 0, as a defined instance carries. */
  private void tag(String name) throws LibvirtException {
    a.call(
        c -> {
          Domain d = c.domainLookupByName(name);
          d.setMetadata(
              Domain.MetadataType.ELEMENT,
              new FerryTag(d.getUUIDString(), 0).toMetadataFragment(),
              FerryTag.PREFIX,
              FerryTag.NAMESPACE,
              Domain.ModificationImpact.CONFIG | Domain.ModificationImpact.LIVE);
          return null;
        });
  }

  private LiveMigrationHostActivities activities(String host, LibvirtConnection c) {
    TestActivityEnvironment own =
        envs.computeIfAbsent(
            host,
            h -> {
              TestActivityEnvironment e = TestActivityEnvironment.newInstance();
              e.registerActivitiesImplementations(impl(h, c));
              return e;
            });
    if (host.equals("host-a")) {
      env = own;
    }
    return own.newActivityStub(
        LiveMigrationHostActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setHeartbeatTimeout(Duration.ofSeconds(10))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private LiveHostActivitiesImpl impl(String host, LibvirtConnection c) {
    return new LiveHostActivitiesImpl(
        c,
        (workflowId, signal, arg) -> signals.add(signal + ":" + arg),
        uuid -> new LibvirtMigrationDriver(c, uuid),
        hostPaths(host),
        Duration.ofMillis(250));
  }

  /** A path as seen inside {@code host}, mapped to where it is from the root namespace. */
  private static Function<String, Path> hostPaths(String host) {
    Map<String, Path> mounts =
        Map.of(
            "/var/lib/ferry/shared", TB.resolve("shared"),
            "/var/lib/ferry/local", TB.resolve("hosts/" + host + "/local"),
            "/var/lib/libvirt", TB.resolve("hosts/" + host + "/lib"));
    return p -> {
      for (var m : mounts.entrySet()) {
        if (p.equals(m.getKey()) || p.startsWith(m.getKey() + "/")) {
          return Path.of(m.getValue() + p.substring(m.getKey().length()));
        }
      }
      return Path.of(p);
    };
  }

  private static JobRequest job(
      String uuid,
      boolean block,
      boolean unsafe,
      LiveMigrationOptions o,
      long timeout,
      long epoch) {
    return new JobRequest(
        "m-" + uuid,
        uuid,
        "host-b",
        "qemu+tcp://host-b/system",
        block,
        unsafe,
        o,
        timeout,
        epoch,
        false);
  }

  private static LiveMigrationOptions options(Long bandwidth, Long downtime, boolean postCopy) {
    return new LiveMigrationOptions(
            null, bandwidth, downtime, null, TimeoutAction.ABORT, 0L, false, postCopy, null, null)
        .resolvedWith(LiveMigrationOptions.DEFAULTS);
  }

  private static void awaitJob(String uuid) throws Exception {
    MigrationDriver d = new LibvirtMigrationDriver(a, uuid);
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (d.activeJob().isPresent()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no migration job started for " + uuid);
  }

  private static String uuidOf(LibvirtConnection c, String name) throws LibvirtException {
    return c.call(conn -> conn.domainLookupByName(name).getUUIDString());
  }

  private static boolean exists(LibvirtConnection c, String uuid) throws LibvirtException {
    return c.call(
        conn -> {
          try {
            conn.domainLookupByUUIDString(uuid);
            return true;
          } catch (LibvirtException e) {
            return false;
          }
        });
  }

  private static boolean activeOn(LibvirtConnection c, String uuid) throws LibvirtException {
    return c.call(
        conn -> {
          try {
            return conn.domainLookupByUUIDString(uuid).isActive() == 1;
          } catch (LibvirtException e) {
            return false;
          }
        });
  }

  private static long tagOf(LibvirtConnection c, String uuid, int flags) throws LibvirtException {
    return c.call(
        (Connect conn) -> {
          String xml = conn.domainLookupByUUIDString(uuid).getXMLDesc(flags);
          Optional<FerryTag> tag = DomainXml.parse(xml).ferryTag();
          return tag.map(FerryTag::epoch).orElse(-1L);
        });
  }

  private static long lines(String name) throws IOException {
    try (var l =
        Files.lines(TB.resolve("consoles").resolve(name + ".log"), StandardCharsets.ISO_8859_1)) {
      return l.count();
    }
  }

  private static void health(String name, long sinceLine, int maxGapSeconds) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                REPO_TESTBED.resolve("guest-health.sh").toString(),
                TB.resolve("consoles").resolve(name + ".log").toString(),
                "--since-line",
                Long.toString(sinceLine),
                "--min-heartbeats",
                "2",
                "--max-age",
                "6",
                "--max-gap",
                Integer.toString(maxGapSeconds),
                "--expect-continuous"));
    String out = run(cmd);
    System.out.println("[testbed] " + name + " health: " + out.trim());
  }

  private static String run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("FERRY_TB", TB.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
    return out;
  }

  private static Path socket(String host) {
    return TB.resolve("hosts").resolve(host).resolve("run/libvirt-sock");
  }

  private static String uri(String host) {
    return "qemu+unix:///system?socket=" + socket(host);
  }
}
