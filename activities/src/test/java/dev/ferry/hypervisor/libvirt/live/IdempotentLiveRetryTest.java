package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.hypervisor.libvirt.HostSnapshot;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.StoragePools;
import dev.ferry.live.DestinationCheck;
import dev.ferry.live.DestinationFacts;
import dev.ferry.live.DiskInfo;
import dev.ferry.live.FinishedAtDestination;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.live.PrepareRequest;
import dev.ferry.live.SourceFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-migration host calls that change a host, run twice with the same input as Temporal
 * retries them after the agent crashed between doing the work and reporting it: the retry returns
 * an equivalent result and leaves the host's domains and volumes as the first call left them
 * ({@link HostSnapshot}), on libvirt's {@code test:///default}. Each test removes what it made:
 * that driver's state is shared by every connection of the JVM.
 *
 * <p>Not here: {@code migrate}, {@code forceComplete} and {@code settleJob} act on a running
 * migration job, which the test driver cannot run (LiveMigrationJobTest drives them on a scripted
 * driver).
 */
@Timeout(30)
class IdempotentLiveRetryTest {

  private static final String ID = TestLiveHost.ID;
  private static final String OTHER = "11111111-2222-4333-8444-555555555555";
  private static final String DIR = "/var/lib/ferry/idempotent-live";
  private static final DiskInfo DISK = new DiskInfo("vda", DIR + "/vm1.qcow2", "qcow2", 64L << 20);

  private TestLiveHost host;
  private LibvirtConnection connection;
  private LiveMigrationHostActivities activities;
  @TempDir Path tmp;

  @BeforeEach
  void setUp() {
    host =
        new TestLiveHost(
            (workflowId, name, arg) -> {},
            uuid -> {
              throw new AssertionError("no migration job here");
            },
            TestLiveHost.under(tmp),
            Duration.ofMillis(20));
    connection = host.connection;
    activities = host.activities;
  }

  @AfterEach
  void tearDown() {
    activities.removeDisks(List.of(DISK.path()));
    activities.removeProbes(List.of(DIR + "/.ferry-probe-m1"));
    host.close();
  }

  @Test
  void prepareDestinationRetriedFindsTheDiskItCreated() {
    PrepareRequest prepare = new PrepareRequest("m1", ID, true, List.of(DISK));

    List<String> created = assertRetryChangesNothing(() -> activities.prepareDestination(prepare));

    assertEquals(List.of(DISK.path()), created);
  }

  /**
   * A crash after the move's marker was made and before its disk was: the retry makes the disk (the
   * marker says the path is this move's), and a further retry changes nothing.
   */
  @Test
  void prepareDestinationRetriedAfterACrashBeforeTheDiskWasMadeMakesIt() throws Exception {
    connection.call(
        c ->
            StoragePools.createVolume(
                StoragePools.ensure(c, DIR), "vm1.qcow2.ferry-move-m1", 0, "raw"));
    PrepareRequest prepare = new PrepareRequest("m1", ID, true, List.of(DISK));

    List<String> created = assertRetryChangesNothing(() -> activities.prepareDestination(prepare));

    assertEquals(List.of(DISK.path()), created);
    assertEquals(
        List.of("vm1.qcow2", "vm1.qcow2.ferry-move-m1"),
        connection.call(
            c -> List.of(StoragePools.ensure(c, DIR).listVolumes()).stream().sorted().toList()));
  }

  @Test
  void removeDisksRetriedFindsNothingMoreToRemove() {
    activities.prepareDestination(new PrepareRequest("m1", ID, true, List.of(DISK)));

    assertRetryChangesNothing(
        () -> {
          activities.removeDisks(List.of(DISK.path()));
          return null;
        });
  }

  /** The free space of a directory is the file system's, not the call's: compared by directory. */
  @Test
  void checkDestinationRetriedKeepsTheOneProbe() throws Exception {
    Files.createDirectories(tmp.resolve(DIR.substring(1)));
    DestinationCheck check = new DestinationCheck("m1", OTHER, source(), List.of(DIR));

    DestinationFacts first = activities.checkDestination(check);
    HostSnapshot after = HostSnapshot.of(connection);
    DestinationFacts retry = activities.checkDestination(check);

    assertEquals(withoutFreeSpace(first), withoutFreeSpace(retry));
    assertEquals(first.freeBytesByDir().keySet(), retry.freeBytesByDir().keySet());
    assertEquals(List.of(DIR + "/.ferry-probe-m1"), first.probePaths());
    assertEquals(after, HostSnapshot.of(connection), "the retry changes nothing on the host");
  }

  @Test
  void removeProbesRetriedFindsNothingMoreToRemove() throws Exception {
    Files.createDirectories(tmp.resolve(DIR.substring(1)));
    DestinationFacts facts =
        activities.checkDestination(new DestinationCheck("m1", OTHER, source(), List.of(DIR)));

    assertRetryChangesNothing(
        () -> {
          activities.removeProbes(facts.probePaths());
          return null;
        });
    assertEquals(List.of(), activities.probesSeen(facts.probePaths()));
  }

  @Test
  void finishAtDestinationRetriedKeepsTheTagAndTheRunningGuest() {
    FinishedAtDestination first =
        assertRetryChangesNothing(() -> activities.finishAtDestination(ID, 7));

    assertEquals(7, first.view().epoch());
  }

  /**
   * A read defines the directory's pool on first use (as every call does); its retry changes
   * nothing.
   */
  @Test
  void readsRetriedChangeNothing() {
    assertRetryChangesNothing(() -> activities.inspectSource(ID));
    assertRetryChangesNothing(() -> activities.probesSeen(List.of(DIR + "/.ferry-probe-m1")));
  }

  // --- helpers ---

  private <T> T assertRetryChangesNothing(Supplier<T> call) {
    return HostSnapshot.assertRetryChangesNothing(connection, call);
  }

  private SourceFacts source() {
    return activities.inspectSource(ID);
  }

  private static List<Object> withoutFreeSpace(DestinationFacts f) {
    return Arrays.asList(
        f.hypervisorType(), f.hypervisorVersion(), f.cpuComparison(), f.probePaths());
  }
}
