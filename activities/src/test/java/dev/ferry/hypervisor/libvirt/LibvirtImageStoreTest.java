package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.BaseImage;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

/**
 * The image store of {@link LibvirtDiskActivities} against libvirt's test driver: finding a base
 * image, the refusals, and making a root disk from it with {@code virStorageVolCreateXMLFrom}.
 *
 * <p>The test driver keeps volume definitions only (no bytes), and clones only within one pool (its
 * CreateXMLFrom looks the source up in the target pool: "no storage vol with matching name"). So
 * the clone tests run on a host whose image store is its instances directory ({@link
 * #oneDirectory}); a real libvirtd clones across pools, and that the new disk holds the image's
 * content is proven on the real test bed ({@code RealTestbedIT}: qemu-img compare against the
 * image).
 */
class LibvirtImageStoreTest {
  private static final String ID = "0b6f1c2e-1111-4222-8333-444455556666";
  private static final String IMAGES = "/var/lib/ferry/images";
  private static final String LOCAL = "/var/lib/ferry/local";
  private static final String DISK = LOCAL + "/" + ID + ".qcow2";
  private static final long MIB = 1L << 20;

  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private DiskActivities disks;
  private HypervisorActivities hypervisor;

  @BeforeEach
  void startHost() {
    startHost(LibvirtDiskActivities.Settings.defaults());
  }

  /** Images and instance disks in one directory: the test driver's clone works within a pool. */
  private void oneDirectory() {
    stopHost();
    startHost(new LibvirtDiskActivities.Settings(LOCAL, "/var/lib/ferry/shared", LOCAL, 0));
  }

  private void startHost(LibvirtDiskActivities.Settings settings) {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtDiskActivities(connection, settings),
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
  void anImageIsFoundByItsNameWithOrWithoutItsSuffix() throws Exception {
    assertNull(disks.findImage("tiny"), "an empty store");
    addImage("tiny.qcow2", 64);

    BaseImage image = disks.findImage("tiny");

    assertEquals(new BaseImage("tiny", IMAGES + "/tiny.qcow2", "qcow2", 64 * MIB), image);
    assertEquals(IMAGES + "/tiny.qcow2", disks.findImage("tiny.qcow2").path());
    assertNull(disks.findImage("tin"));
    assertRejected(() -> disks.findImage("../local/x"), Reason.INVALID_ARGUMENT);
  }

  @Test
  void aRootDiskIsAFullQcow2CopyOfTheImageOfItsSizeOrLarger() throws Exception {
    oneDirectory();
    addImage(LOCAL, "tiny.qcow2", 64);

    RootDisk disk = disks.createDiskFromImage(ID, "tiny", 0, false);

    assertEquals(DISK, disk.path());
    assertEquals(64, disk.sizeMb(), "the image's size");
    assertEquals(new BaseImage("tiny", LOCAL + "/tiny.qcow2", "qcow2", 64 * MIB), disk.image());
    assertEquals("qcow2", volumeXpath(LOCAL, ID + ".qcow2", "/volume/target/format/@type"));
    assertEquals(Long.toString(64 * MIB), volumeXpath(LOCAL, ID + ".qcow2", "/volume/capacity"));
    // A full copy: the new volume has no backing store (an overlay would name the image).
    assertNull(volumeXpath(LOCAL, ID + ".qcow2", "/volume/backingStore/path"));
    assertEquals(List.of(ID + ".qcow2", "tiny.qcow2"), sorted(volumes(LOCAL)), "the image stays");

    RootDisk larger = disks.createDiskFromImage(ID, "tiny", 128, false);
    assertEquals(DISK, larger.path());
    assertEquals(128, larger.sizeMb());
    assertEquals(Long.toString(128 * MIB), volumeXpath(LOCAL, ID + ".qcow2", "/volume/capacity"));
  }

  @Test
  void anImageTheStoreDoesNotHoldIsRefusedAndNothingIsCreated() throws Exception {
    addImage("tiny.qcow2", 64);

    FerryRejection r =
        assertRejected(
            () -> disks.createDiskFromImage(ID, "debian-12", 0, false), Reason.UNKNOWN_IMAGE);

    assertTrue(
        r.getMessage().startsWith("no base image debian-12 in the image store " + IMAGES),
        r.getMessage());
    assertTrue(r.getMessage().endsWith("(it has tiny.qcow2)"), r.getMessage());
    assertEquals(List.of(), volumes(LOCAL));
  }

  @Test
  void aDiskSmallerThanTheImageIsRefused() throws Exception {
    addImage("tiny.qcow2", 64);

    FerryRejection r =
        assertRejected(
            () -> disks.createDiskFromImage(ID, "tiny", 32, false), Reason.INVALID_ARGUMENT);

    assertTrue(r.getMessage().contains("smaller than image tiny (64 MiB)"), r.getMessage());
    assertEquals(List.of(), volumes(LOCAL));
  }

  @Test
  void aLeftoverAtThePathIsReplacedButADiskInUseIsNot() throws Exception {
    oneDirectory();
    addImage(LOCAL, "tiny.qcow2", 64);
    disks.createDisk(ID, 16, false); // a blank leftover of 16 MiB

    disks.createDiskFromImage(ID, "tiny", 0, false);
    assertEquals(
        Long.toString(64 * MIB),
        volumeXpath(LOCAL, ID + ".qcow2", "/volume/capacity"),
        "the image's copy, not the leftover");

    hypervisor.define(new DomainSpec(ID, "vm1", new Flavor("t", 1, 128, 1), 0, null, DISK, null));
    FerryRejection r =
        assertRejected(() -> disks.createDiskFromImage(ID, "tiny", 0, false), Reason.INVALID_STATE);
    assertTrue(r.getMessage().contains("in use by domain [vm1]"), r.getMessage());
    assertEquals(List.of(ID + ".qcow2", "tiny.qcow2"), sorted(volumes(LOCAL)));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** An operator's image in the store (the test driver makes the definition only). */
  private void addImage(String name, long sizeMb) throws Exception {
    addImage(IMAGES, name, sizeMb);
  }

  private void addImage(String dir, String name, long sizeMb) throws Exception {
    connection.call(
        c ->
            StoragePools.ensure(c, dir)
                .storageVolCreateXML(StoragePools.volumeXml(name, sizeMb * MIB, "qcow2"), 0));
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }

  private List<String> volumes(String dir) throws Exception {
    return connection.call(c -> List.of(StoragePools.ensure(c, dir).listVolumes()));
  }

  private String volumeXpath(String dir, String name, String xpath) throws Exception {
    return connection.call(
        c -> {
          StoragePool pool = StoragePools.ensure(c, dir);
          StorageVol vol = pool.storageVolLookupByName(name);
          return StoragePools.xpath(vol.getXMLDesc(0), xpath);
        });
  }

  private static FerryRejection assertRejected(Runnable call, Reason reason) {
    ActivityFailure f = assertThrows(ActivityFailure.class, call::run);
    FerryRejection r =
        FerryRejection.from(f).orElseThrow(() -> new AssertionError("not a rejection", f));
    assertEquals(reason, r.reason(), r.getMessage());
    return r;
  }
}
