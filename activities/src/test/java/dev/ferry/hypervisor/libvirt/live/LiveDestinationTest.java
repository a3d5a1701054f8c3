package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.StoragePools;
import dev.ferry.live.DestinationCheck;
import dev.ferry.live.DestinationFacts;
import dev.ferry.live.DiskInfo;
import dev.ferry.live.FinishedAtDestination;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.live.PrepareRequest;
import dev.ferry.live.SourceFacts;
import dev.ferry.model.FerryRejection;
import io.temporal.failure.ActivityFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * The live activities' checks, probes and destination disks against libvirt's {@code
 * test:///default} driver: disks, markers and probes are volumes of its storage pools; free space
 * and directories come from a temporary directory standing for the host's file system.
 */
@Timeout(30)
class LiveDestinationTest {

  private static final String ID = TestLiveHost.ID;

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
    host.close();
  }

  @Test
  void theSourceIsInspected() {
    SourceFacts facts = activities.inspectSource(ID);
    assertEquals("TEST", facts.hypervisorType());
    assertEquals("test", facts.domainName());
    assertTrue(facts.memoryBytes() > 0);
    assertFalse(facts.jobActive());
  }

  @Test
  void theDestinationRefusesAGuestThatAlreadyRunsThere() {
    SourceFacts facts = activities.inspectSource(ID);
    ActivityFailure f =
        assertThrows(
            ActivityFailure.class,
            () ->
                activities.checkDestination(
                    new DestinationCheck("m1", ID, facts, List.of("/var/lib/ferry/shared"))));
    FerryRejection r = FerryRejection.from(f).orElseThrow();
    assertEquals(FerryRejection.Reason.INVALID_STATE, r.reason());
    assertTrue(r.getMessage().contains("already runs"), r.getMessage());
  }

  @Test
  void theDestinationChecksHypervisorNetworksAndBridgesAndWritesProbes() throws Exception {
    String other = "11111111-2222-4333-8444-555555555555";
    SourceFacts facts = activities.inspectSource(ID);
    Files.createDirectories(tmp.resolve("var/lib/ferry/shared"));

    SourceFacts newer = copy(facts, facts.hypervisorVersion() + 1, List.of(), List.of());
    assertEquals(
        FerryRejection.Reason.HYPERVISOR_INCOMPATIBLE,
        reasonOf(
            () ->
                activities.checkDestination(new DestinationCheck("m1", other, newer, List.of()))));
    SourceFacts missingNet = copy(facts, facts.hypervisorVersion(), List.of("prod"), List.of());
    assertEquals(
        FerryRejection.Reason.INVALID_STATE,
        reasonOf(
            () ->
                activities.checkDestination(
                    new DestinationCheck("m1", other, missingNet, List.of()))));
    SourceFacts missingBridge =
        copy(facts, facts.hypervisorVersion(), List.of("default"), List.of("br-nowhere"));
    assertEquals(
        FerryRejection.Reason.INVALID_STATE,
        reasonOf(
            () ->
                activities.checkDestination(
                    new DestinationCheck("m1", other, missingBridge, List.of()))));

    SourceFacts fine = copy(facts, facts.hypervisorVersion(), List.of("default"), List.of());
    DestinationFacts df =
        activities.checkDestination(
            new DestinationCheck("m1", other, fine, List.of("/var/lib/ferry/shared", "/nope")));
    assertEquals(List.of("/var/lib/ferry/shared/.ferry-probe-m1"), df.probePaths());
    assertTrue(df.freeBytesByDir().get("/nope") > 0, "free space of the nearest parent");
    assertEquals(df.probePaths(), activities.probesSeen(df.probePaths()));
    activities.removeProbes(df.probePaths());
    assertEquals(List.of(), activities.probesSeen(df.probePaths()));
  }

  @Test
  void preLiveMigrationCreatesBlockMigrationDisksOnceAndRollbackRemovesThem() throws Exception {
    DiskInfo disk = new DiskInfo("vda", "/var/lib/libvirt/images/vm1.qcow2", "qcow2", 64L << 20);
    PrepareRequest prepare = new PrepareRequest("m1", ID, true, List.of(disk));

    assertEquals(List.of(disk.path()), activities.prepareDestination(prepare));
    assertEquals(
        List.of("vm1.qcow2", "vm1.qcow2.ferry-move-m1"),
        volumes("/var/lib/libvirt/images"),
        "the disk, and the marker of the move that created it");
    String xml = connection.call(c -> StoragePools.findVolume(pool(c), "vm1.qcow2").getXMLDesc(0));
    assertEquals("qcow2", StoragePools.xpath(xml, "/volume/target/format/@type"));
    assertEquals(Long.toString(64L << 20), StoragePools.xpath(xml, "/volume/capacity"));
    assertEquals(
        "0", StoragePools.xpath(xml, "/volume/allocation"), "sparse, as qemu-img makes it");
    assertEquals(List.of(disk.path()), activities.prepareDestination(prepare)); // a retry: ours
    assertEquals(
        FerryRejection.Reason.INVALID_STATE,
        reasonOf(
            () ->
                activities.prepareDestination(
                    new PrepareRequest("m2", ID, true, List.of(disk))))); // not ours: refused
    assertEquals(
        FerryRejection.Reason.INVALID_STATE,
        reasonOf(
            () ->
                activities.prepareDestination(
                    new PrepareRequest(
                        "m3",
                        ID,
                        false,
                        List.of(new DiskInfo("vda", "/var/lib/ferry/shared/x", "qcow2", 1))))));

    activities.removeDisks(List.of(disk.path()));
    assertEquals(List.of(), volumes("/var/lib/libvirt/images"), "markers removed too");
    activities.removeDisks(List.of(disk.path())); // a missing disk is fine
  }

  @Test
  void theDestinationRemovesTheMoveMarkersOnceTheGuestRunsThere() throws Exception {
    String disk =
        connection
            .call(c -> GuestXml.parse(c.domainLookupByUUIDString(ID).getXMLDesc(0)).disks().get(0))
            .path();
    String dir = StoragePools.dirOf(disk);
    connection.call(
        c -> {
          StoragePool pool = StoragePools.ensure(c, dir);
          StoragePools.createVolume(pool, StoragePools.nameOf(disk), 1 << 20, "raw");
          StoragePools.createVolume(pool, StoragePools.nameOf(disk) + ".ferry-move-m1", 0, "raw");
          return null;
        });

    FinishedAtDestination done = activities.finishAtDestination(ID, 7);

    assertEquals(7, done.view().epoch(), "re-tagged with the new epoch");
    assertEquals(List.of(StoragePools.nameOf(disk)), volumes(dir), "the marker is gone");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static StoragePool pool(Connect c) throws LibvirtException {
    return StoragePools.ensure(c, "/var/lib/libvirt/images");
  }

  private List<String> volumes(String dir) throws LibvirtException {
    return connection.call(
        c -> {
          StoragePool pool = StoragePools.ensure(c, dir);
          pool.refresh(0);
          return List.of(pool.listVolumes()).stream().sorted().toList();
        });
  }

  private static FerryRejection.Reason reasonOf(Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    return FerryRejection.from(f)
        .orElseThrow(() -> new AssertionError("not a rejection", f))
        .reason();
  }

  private static SourceFacts copy(
      SourceFacts f, long version, List<String> networks, List<String> bridges) {
    return new SourceFacts(
        f.hypervisorType(),
        version,
        f.libvirtVersion(),
        f.domainName(),
        f.powerState(),
        f.epoch(),
        f.domainType(),
        f.arch(),
        f.machine(),
        f.emulator(),
        null,
        networks,
        bridges,
        List.of(),
        f.memoryBytes(),
        false);
  }
}
