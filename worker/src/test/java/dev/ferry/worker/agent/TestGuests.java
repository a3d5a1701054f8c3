package dev.ferry.worker.agent;

import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Ferry-tagged guests on libvirt's {@code test:///default}, which is one host for the whole JVM:
 * each test defines its own and removes it afterwards.
 */
final class TestGuests {
  static final String URI = "test:///default";

  private TestGuests() {}

  /** Defines and starts a domain carrying Ferry's tag for instance {@code id} at {@code epoch}. */
  static void defineAndStart(LibvirtConnection libvirt, String id, long epoch)
      throws LibvirtException {
    String xml =
        "<domain type='test'><name>vm-"
            + id.substring(0, 8)
            + "</name><uuid>"
            + id
            + "</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
            + "<os><type arch='i686'>hvm</type></os><metadata><ferry:instance xmlns:ferry='"
            + FerryTag.NAMESPACE
            + "' id='"
            + id
            + "' epoch='"
            + epoch
            + "' owner='ferry'/></metadata></domain>";
    libvirt.call(c -> c.domainDefineXML(xml).create());
  }

  /** What a test does to its domain. */
  interface DomainCall {
    void apply(Domain d) throws LibvirtException;
  }

  static void on(LibvirtConnection libvirt, String id, DomainCall call) throws LibvirtException {
    libvirt.call(
        c -> {
          call.apply(c.domainLookupByUUIDString(id));
          return null;
        });
  }

  /** Destroys and undefines the domain, if it is still there. */
  static void remove(LibvirtConnection libvirt, String id) throws LibvirtException {
    libvirt.call(
        c -> {
          for (Domain d : c.listAllDomains(0)) {
            if (d.getUUIDString().equals(id)) {
              if (d.isActive() == 1) {
                d.destroy();
              }
              d.undefine();
            }
          }
          return null;
        });
  }
}
