package dev.ferry.hypervisor.libvirt.live;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * Whether this host can run a guest's CPU as its recorded definition asks for it: the check a move
 * makes of its destination before it starts, so that no guest is stopped for a host that cannot
 * boot it.
 */
public final class GuestCpuCheck {
  private GuestCpuCheck() {}

  /**
   * libvirt's verdict on {@code domainXml}'s CPU here: identical, superset or not compared.
   *
   * @throws dev.ferry.model.FerryRejection HYPERVISOR_INCOMPATIBLE when libvirt says incompatible
   */
  public static String check(Connect c, String domainXml, String here) throws LibvirtException {
    GuestXml guest = GuestXml.parse(domainXml);
    return DestinationChecks.compareCpu(
        c,
        guest.emulator(),
        guest.arch(),
        guest.machine(),
        guest.domainType(),
        guest.guestCpuXml(),
        here);
  }
}
