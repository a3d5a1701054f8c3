package dev.ferry.live;

import dev.ferry.model.PowerState;
import java.util.List;

/**
 * What the source host says about itself and the guest (Nova's check_can_live_migrate_source): what
 * the destination must match.
 *
 * @param guestCpuXml the guest's {@code <cpu>} element, or QEMU's default model for its type
 * @param networks libvirt networks the domain's interfaces use
 * @param bridges host bridges the domain's interfaces use
 * @param jobActive a libvirt job (e.g. another migration) runs on the domain
 */
public record SourceFacts(
    String hypervisorType,
    long hypervisorVersion,
    long libvirtVersion,
    String domainName,
    PowerState powerState,
    long epoch,
    String domainType,
    String arch,
    String machine,
    String emulator,
    String guestCpuXml,
    List<String> networks,
    List<String> bridges,
    List<DiskInfo> disks,
    long memoryBytes,
    boolean jobActive) {}
