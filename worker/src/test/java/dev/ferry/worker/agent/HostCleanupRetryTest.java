package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.hypervisor.libvirt.GuestTemplate;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.CleanupReport;
import dev.ferry.model.DomainView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleanup-on-arrival activity run twice with the same items, as Temporal retries it when the
 * agent crashed after cleaning up and before reporting: the retry reports the same items done and
 * changes nothing more (the domain stays gone or stays kept, the disk stays deleted). On libvirt's
 * {@code test:///default}; no item here is an evacuation's, so no instance is signalled and the
 * reconciler needs no Temporal client.
 */
class HostCleanupRetryTest {
  private static final String ID = "c1ea0000-1111-4222-8333-444455556666";

  private LibvirtConnection connection;
  private HypervisorActivities hypervisor;
  private HostCleanupActivitiesImpl cleanup;

  @BeforeEach
  void setUp() throws Exception {
    connection = LibvirtConnection.open(TestGuests.URI);
    hypervisor =
        new LibvirtHypervisorActivities(
            connection, new GuestTemplate(GuestTemplate.Settings.none()));
    cleanup = new HostCleanupActivitiesImpl(new AgentReconciler("h1", hypervisor, null));
    TestGuests.defineAndStart(connection, ID, 3);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestGuests.remove(connection, ID);
    connection.close();
  }

  @Test
  void aRetriedCleanupReportsTheSameAndRemovesNothingMore(@TempDir Path dir) throws Exception {
    Path disk = Files.createFile(dir.resolve("vm1.qcow2"));
    List<CleanupItem> items =
        List.of(
            new CleanupItem(
                "move:1",
                CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK,
                ID,
                3,
                disk.toString(),
                "left by a failed move"));

    CleanupReport first = cleanup.run(items);
    List<DomainView> after = hypervisor.listDomains();
    CleanupReport retry = cleanup.run(items);

    assertEquals(new CleanupReport(List.of("move:1"), Map.of()), first);
    assertEquals(first, retry);
    assertEquals(after, hypervisor.listDomains(), "the retry changes no domain");
    assertFalse(hypervisor.inspect(ID).exists());
    assertFalse(Files.exists(disk));
  }

  @Test
  void aRetriedCleanupKeepsANewerCopy() {
    List<CleanupItem> items =
        List.of(
            new CleanupItem(
                "evacuated:1", CleanupItem.Kind.REMOVE_STALE_DOMAIN, ID, 2, null, "stale copy"));

    CleanupReport first = cleanup.run(items);
    DomainView kept = hypervisor.inspect(ID);
    CleanupReport retry = cleanup.run(items);

    assertEquals(first, retry);
    assertTrue(kept.exists(), "epoch 3 is newer than the item's 2");
    assertEquals(kept, hypervisor.inspect(ID), "the retry leaves the newer copy as it was");
  }
}
