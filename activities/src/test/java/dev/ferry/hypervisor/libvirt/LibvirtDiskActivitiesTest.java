package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavor;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.StoragePool;

/**
 * {@link LibvirtDiskActivities} against libvirt's test driver: pools, volumes, probes and the
 * in-use guard. The test driver has no volume streams: the copy itself is proven on the real test
 * bed (e2e {@code RealTestbedIT}).
 */
class LibvirtDiskActivitiesTest {
  private static final String ID = "0b6f1c2e-1111-4222-8333-444455556666";
  private static final String LOCAL = "/var/lib/ferry/local";
  private static final String DISK = LOCAL + "/" + ID + ".qcow2";

  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private DiskActivities disks;
  private HypervisorActivities hypervisor;

  @BeforeEach
  void startHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtDiskActivities(connection, LibvirtDiskActivities.Settings.defaults()),
        new LibvirtHypervisorActivities(
            connection, new GuestTemplate(GuestTemplate.Settings.none())));
    ActivityOptions options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    disks = env.newActivityStub(DiskActivities.class, options);
    hypervisor = env.newActivityStub(HypervisorActivities.class, options);
  }

  @AfterEach
  void stopHost() {
    env.close();
    connection.close();
  }

  @Test
  void createDiskMakesAQcow2VolumeInAFerryPoolAndIsIdempotent() throws Exception {
    assertEquals(DISK, disks.createDisk(ID, 64, false));
    assertEquals(DISK, disks.createDisk(ID, 64, false)); // a retried create keeps it

    String xml =
        connection.call(
            c -> {
              StoragePool pool = c.storagePoolLookupByName("ferry-var-lib-ferry-local");
              assertEquals(1, pool.isActive());
              assertEquals(List.of(ID + ".qcow2"), List.of(pool.listVolumes()));
              return pool.storageVolLookupByName(ID + ".qcow2").getXMLDesc(0);
            });
    assertEquals("qcow2", StoragePools.xpath(xml, "/volume/target/format/@type"));
    assertEquals(Long.toString(64L << 20), StoragePools.xpath(xml, "/volume/capacity"), "64 MiB");
    assertEquals(
        "/var/lib/ferry/shared/" + ID + ".qcow2", disks.createDisk(ID, 32, true), "shared dir");
  }

  @Test
  void probesAreVolumesBesideTheDisks() {
    String probe = LOCAL + "/" + DiskActivities.PROBE_PREFIX + "move-1";
    assertFalse(disks.probeExists(probe));
    disks.writeProbe(probe);
    disks.writeProbe(probe); // idempotent
    assertTrue(disks.probeExists(probe));
    disks.removeProbe(probe);
    disks.removeProbe(probe);
    assertFalse(disks.probeExists(probe));
  }

  @Test
  void aProbeMustBeNamedAsOne() {
    assertRejected(() -> disks.writeProbe(DISK), FerryRejection.Reason.INVALID_ARGUMENT);
    assertRejected(() -> disks.removeProbe(DISK), FerryRejection.Reason.INVALID_ARGUMENT);
  }

  @Test
  void deleteDiskRefusesWhileADomainUsesIt() {
    disks.createDisk(ID, 64, false);
    hypervisor.define(new DomainSpec(ID, "vm1", new Flavor("t", 1, 128, 1), 0, null, DISK, null));

    FerryRejection r =
        assertRejected(() -> disks.deleteDisk(DISK), FerryRejection.Reason.INVALID_STATE);
    assertTrue(r.getMessage().contains("in use by domain [vm1]"), r.getMessage());

    hypervisor.remove(ID, Long.MAX_VALUE);
    assertTrue(disks.deleteDisk(DISK));
    assertFalse(disks.deleteDisk(DISK), "nothing left to delete");
  }

  @Test
  void badPathsAndSizesAreRejected() {
    assertRejected(
        () -> disks.deleteDisk("relative/x.qcow2"), FerryRejection.Reason.INVALID_ARGUMENT);
    assertRejected(
        () -> disks.deleteDisk(LOCAL + "/../x.qcow2"), FerryRejection.Reason.INVALID_ARGUMENT);
    assertRejected(() -> disks.createDisk(ID, 0, false), FerryRejection.Reason.INVALID_ARGUMENT);
    assertRejected(
        () -> disks.createDisk("not-a-uuid", 64, false), FerryRejection.Reason.INVALID_ARGUMENT);
    assertRejected(() -> disks.copyDisk(DISK, "", DISK), FerryRejection.Reason.INVALID_ARGUMENT);
  }

  @Test
  void copyRefusesADiskThatIsNotThere() {
    assertRejected(
        () -> disks.copyDisk(DISK, TestHosts.uri(TestHosts.HOST_B), DISK),
        FerryRejection.Reason.INVALID_STATE);
  }

  @Test
  void poolNamesFollowTheirDirectory() {
    assertEquals("ferry-var-lib-ferry-local", StoragePools.poolName("/var/lib/ferry/local"));
    assertEquals("ferry-root", StoragePools.poolName("/"));
    assertEquals("/var/lib/ferry/local", StoragePools.dirOf(DISK));
    assertEquals(
        List.of("/a/b.qcow2"),
        StoragePools.diskSources(
            "<domain><devices><disk type='file'><source file='/a/b.qcow2'/></disk>"
                + "<disk type='block'><source dev='/dev/sdb'/></disk></devices></domain>"));
  }

  private static FerryRejection assertRejected(Runnable call, FerryRejection.Reason reason) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    FerryRejection r =
        FerryRejection.from(f).orElseThrow(() -> new AssertionError("not a rejection", f));
    assertEquals(reason, r.reason(), r.getMessage());
    return r;
  }
}
