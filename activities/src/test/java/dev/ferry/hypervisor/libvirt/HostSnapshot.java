package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * Everything an activity can change on a host, as libvirt reports it: each domain's name, state,
 * running and persistent XML, autostart and managed-save image, and each storage pool's volumes
 * with their XML. Two equal snapshots are the same host state; the record's equality and string
 * show what differs.
 */
public record HostSnapshot(Map<String, DomainState> domains, Map<String, List<String>> pools) {

  /** One domain as libvirt has it. */
  public record DomainState(
      String name,
      String state,
      String liveXml,
      String inactiveXml,
      boolean autostart,
      boolean managedSaveImage) {}

  private static final int XML_INACTIVE = 2;

  /** Reads the host through {@code connection} (a read: no write gate applies). */
  public static HostSnapshot of(LibvirtConnection connection) {
    try {
      return connection.read(HostSnapshot::read);
    } catch (Exception e) {
      throw new AssertionError("could not read the host's state", e);
    }
  }

  /**
   * A retry after a crash between the work and its report: runs {@code call}, snapshots the host,
   * runs it again, and asserts the retry returns what the first call returned and changes nothing
   * on the host. Returns the first call's result.
   */
  public static <T> T assertRetryChangesNothing(LibvirtConnection connection, Supplier<T> call) {
    T first = call.get();
    HostSnapshot after = of(connection);

    T retry = call.get();

    assertEquals(first, retry, "the retry returns what the first call returned");
    assertEquals(after, of(connection), "the retry changes nothing on the host");
    return first;
  }

  private static HostSnapshot read(Connect c) throws LibvirtException {
    Map<String, DomainState> domains = new TreeMap<>();
    for (Domain d : c.listAllDomains(0)) {
      domains.put(
          d.getUUIDString(),
          new DomainState(
              d.getName(),
              d.getInfo().state.name(),
              d.getXMLDesc(0),
              d.isPersistent() == 1 ? d.getXMLDesc(XML_INACTIVE) : null,
              d.getAutostart(),
              d.hasManagedSaveImage() == 1));
    }
    Map<String, List<String>> pools = new TreeMap<>();
    List<String> names = new ArrayList<>(List.of(c.listStoragePools()));
    names.addAll(List.of(c.listDefinedStoragePools()));
    for (String name : names) {
      StoragePool pool = c.storagePoolLookupByName(name);
      List<String> volumes = new ArrayList<>();
      if (pool.isActive() == 1) {
        for (String vol : List.of(pool.listVolumes()).stream().sorted().toList()) {
          volumes.add(pool.storageVolLookupByName(vol).getXMLDesc(0));
        }
      }
      pools.put(pool.isActive() == 1 ? name : name + " (inactive)", volumes);
    }
    return new HostSnapshot(domains, pools);
  }
}
