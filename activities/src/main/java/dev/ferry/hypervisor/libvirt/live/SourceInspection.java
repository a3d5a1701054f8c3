package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.libvirt.DomainXml;
import dev.ferry.hypervisor.libvirt.Domains;
import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.live.DiskInfo;
import dev.ferry.live.SourceFacts;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/** The source's side of the checks: the running guest and its host, as the destination needs. */
final class SourceInspection {

  private SourceInspection() {}

  static SourceFacts inspect(Connect c, String uuid, String here) throws LibvirtException {
    Domain d = Domains.require(c, uuid, here);
    if (d.isActive() != 1) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server "
              + uuid
              + " ("
              + d.getName()
              + ") is not running on this host: only a running or paused guest"
              + " can be live-migrated");
    }
    String xml = d.getXMLDesc(0);
    GuestXml guest = GuestXml.parse(xml);
    long epoch = DomainXml.parse(xml).ferryTag().map(FerryTag::epoch).orElse(-1L);
    List<DiskInfo> disks = new ArrayList<>();
    for (GuestXml.Disk disk : guest.disks()) {
      long size;
      try {
        size = d.blockInfo(disk.target() != null ? disk.target() : disk.path()).getCapacity();
      } catch (LibvirtException e) {
        size = 0;
      }
      disks.add(new DiskInfo(disk.target(), disk.path(), disk.format(), size));
    }
    boolean jobActive;
    try {
      jobActive = d.getJobInfo().getType() != 0;
    } catch (LibvirtException e) {
      jobActive = false; // a driver without job info (test:///) runs none
    }
    return new SourceFacts(
        c.getType(),
        c.getVersion(),
        c.getLibVersion(),
        d.getName(),
        Domains.powerState(d.getInfo().state),
        epoch,
        guest.domainType(),
        guest.arch(),
        guest.machine(),
        guest.emulator(),
        guest.guestCpuXml(),
        guest.networks(),
        guest.bridges(),
        disks,
        d.getInfo().maxMem * 1024,
        jobActive);
  }
}
