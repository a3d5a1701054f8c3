package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.RootDisk;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link DiskActivities} call that changes a host, run twice with the same input as Temporal
 * retries it after the agent crashed between doing the work and reporting it: the retry succeeds
 * (or is refused as the first call was), returns an equivalent result and leaves the host's domains
 * and volumes as the first call left them ({@link HostSnapshot}).
 *
 * <p>Not here: {@code copyDisk}, since libvirt's test driver has no volume streams (its retry,
 * which deletes the partial destination first, is proven on the real test bed). The test driver
 * clones a volume only within one pool, so {@code createDiskFromImage} runs on a host whose image
 * store is its instances directory, as in {@link LibvirtImageStoreTest}.
 */
class IdempotentDiskRetryTest {
  private static final String ID = "0b6f1c2e-1111-4222-8333-444455556666";
  private static final String LOCAL = "/var/lib/ferry/local";
  private static final String DISK = LOCAL + "/" + ID + ".qcow2";
  private static final String PROBE = LOCAL + "/" + DiskActivities.PROBE_PREFIX + "move-1";

  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private DiskActivities disks;
  private HypervisorActivities hypervisor;

  /** Images and instance disks in one directory: the test driver clones within a pool only. */
  @BeforeEach
  void startHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtDiskActivities(
            connection,
            new LibvirtDiskActivities.Settings(LOCAL, "/var/lib/ferry/shared", LOCAL, 0)),
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
  void createDiskRetriedKeepsTheOneVolume() {
    String path = assertRetryChangesNothing(() -> disks.createDisk(ID, 64, false));

    assertEquals(DISK, path);
    assertEquals(List.of(ID + ".qcow2"), volumes(LOCAL));
  }

  /**
   * Documented: the retry replaces the volume the first call made, so the disk returned always
   * holds the image. The host ends as the first call left it: one disk of the same definition.
   */
  @Test
  void createDiskFromImageRetriedLeavesOneDiskOfTheSameDefinition() throws Exception {
    connection.call(
        c ->
            StoragePools.createVolume(
                StoragePools.ensure(c, LOCAL), "tiny.qcow2", 64L << 20, "qcow2"));

    RootDisk disk =
        assertRetryChangesNothing(() -> disks.createDiskFromImage(ID, "tiny", 128, false));

    assertEquals(DISK, disk.path());
    assertEquals(128, disk.sizeMb());
    assertEquals(List.of(ID + ".qcow2", "tiny.qcow2"), volumes(LOCAL));
  }

  /**
   * Documented: true when it deleted the disk, false when there was none. The retry's false tells
   * the caller the same thing, that the disk is gone.
   */
  @Test
  void deleteDiskRetriedDeletesNothingMoreAndReportsTheDiskGone() {
    disks.createDisk(ID, 64, false);

    assertTrue(disks.deleteDisk(DISK));
    HostSnapshot after = HostSnapshot.of(connection);
    assertFalse(disks.deleteDisk(DISK));

    assertEquals(after, HostSnapshot.of(connection));
    assertEquals(List.of(), volumes(LOCAL));
  }

  @Test
  void deleteDiskOfADiskInUseRetriedIsRefusedAgainAsInvalidState() {
    disks.createDisk(ID, 64, false);
    hypervisor.define(new DomainSpec(ID, "vm1", new Flavor("t", 1, 128, 1), 0, null, DISK, null));
    HostSnapshot before = HostSnapshot.of(connection);

    String first = rejection(Reason.INVALID_STATE, () -> disks.deleteDisk(DISK));
    String retry = rejection(Reason.INVALID_STATE, () -> disks.deleteDisk(DISK));

    assertEquals(first, retry);
    assertEquals(before, HostSnapshot.of(connection), "the disk stays");
  }

  @Test
  void writeProbeRetriedKeepsTheOneProbe() {
    assertRetryChangesNothing(
        () -> {
          disks.writeProbe(PROBE);
          return null;
        });

    assertEquals(List.of(DiskActivities.PROBE_PREFIX + "move-1"), volumes(LOCAL));
  }

  @Test
  void removeProbeRetriedFindsNothingToRemove() {
    disks.writeProbe(PROBE);
    disks.createDisk(ID, 64, false);

    assertRetryChangesNothing(
        () -> {
          disks.removeProbe(PROBE);
          return null;
        });

    assertEquals(List.of(ID + ".qcow2"), volumes(LOCAL), "the disk beside the probe stays");
  }

  /**
   * A read defines the directory's pool on first use (as every call does); its retry changes
   * nothing.
   */
  @Test
  void readsRetriedChangeNothing() {
    assertRetryChangesNothing(() -> disks.probeExists(PROBE));
    assertRetryChangesNothing(() -> disks.findImage("tiny"));
  }

  @Test
  void theSnapshotSeesANewVolume() {
    disks.createDisk(ID, 64, false);
    HostSnapshot oneVolume = HostSnapshot.of(connection);

    disks.writeProbe(PROBE);

    assertNotEquals(oneVolume, HostSnapshot.of(connection));
  }

  // --- the retry ---

  private <T> T assertRetryChangesNothing(Supplier<T> call) {
    return HostSnapshot.assertRetryChangesNothing(connection, call);
  }

  private static String rejection(Reason reason, Runnable call) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    FerryRejection r =
        FerryRejection.from(f).orElseThrow(() -> new AssertionError("not a rejection", f));
    assertEquals(reason, r.reason(), r.getMessage());
    return r.getMessage();
  }

  private List<String> volumes(String dir) {
    try {
      return connection.call(
          c -> List.of(StoragePools.ensure(c, dir).listVolumes()).stream().sorted().toList());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
