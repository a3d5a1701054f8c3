package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.libvirt.Domains;
import dev.ferry.hypervisor.libvirt.LibvirtFailures;
import dev.ferry.live.SourceFacts;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.libvirt.CPUCompareResult;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nova's check_can_live_migrate_destination on this host's libvirt: the hypervisor, no copy of the
 * guest already running here, the guest's CPU, its networks and bridges.
 */
final class DestinationChecks {
  private static final Logger log = LoggerFactory.getLogger(DestinationChecks.class);

  /** What the checks found; they refuse with a {@link FerryRejection} instead. */
  record Result(String hypervisorType, long hypervisorVersion, String cpuComparison) {}

  private final Function<String, Path> localPath;

  /** {@code localPath} maps a path of this host to where the agent sees it. */
  DestinationChecks(Function<String, Path> localPath) {
    this.localPath = localPath;
  }

  Result check(Connect c, String uuid, SourceFacts source, String here) throws LibvirtException {
    String type = c.getType();
    long version = c.getVersion();
    if (!type.equals(source.hypervisorType())) {
      throw new FerryRejection(
          Reason.HYPERVISOR_INCOMPATIBLE,
          here + " runs " + type + ", the source runs " + source.hypervisorType());
    }
    if (version < source.hypervisorVersion()) {
      throw new FerryRejection(
          Reason.HYPERVISOR_INCOMPATIBLE,
          here
              + "'s hypervisor version "
              + version
              + " is older than the source's "
              + source.hypervisorVersion());
    }
    Domain existing = Domains.find(c, uuid);
    if (existing != null && existing.isActive() == 1) {
      throw new FerryRejection(Reason.INVALID_STATE, "server " + uuid + " already runs on " + here);
    }
    String cpu =
        compareCpu(
            c,
            source.emulator(),
            source.arch(),
            source.machine(),
            source.domainType(),
            source.guestCpuXml(),
            here);
    for (String network : source.networks()) {
      requireNetwork(c, network, here);
    }
    for (String bridge : source.bridges()) {
      if (!bridgeExists(c, bridge)) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "bridge " + bridge + " used by the guest does not exist on " + here);
      }
    }
    return new Result(type, version, cpu);
  }

  /**
   * libvirt's comparison of the guest's CPU on this host (hypervisor-aware when available):
   * identical, superset or not compared; refused when libvirt says incompatible.
   */
  static String compareCpu(
      Connect c,
      String emulator,
      String arch,
      String machine,
      String domainType,
      String xml,
      String here)
      throws LibvirtException {
    if (xml == null) {
      return "not compared (the guest names no CPU model)";
    }
    int rc;
    try {
      rc = LibvirtNative.compareHypervisorCpu(c, emulator, arch, machine, domainType, xml);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      rc = -1;
    }
    if (rc < 0) {
      try {
        CPUCompareResult host = c.compareCPU(xml);
        rc =
            switch (host) {
              case VIR_CPU_COMPARE_INCOMPATIBLE -> 0;
              case VIR_CPU_COMPARE_IDENTICAL -> 1;
              case VIR_CPU_COMPARE_SUPERSET -> 2;
              default -> -1;
            };
      } catch (LibvirtException e) {
        return "not compared (" + e.getMessage() + ")";
      }
    }
    return switch (rc) {
      case 0 ->
          throw new FerryRejection(
              Reason.HYPERVISOR_INCOMPATIBLE,
              here + " cannot run the guest's CPU: libvirt says incompatible (" + xml + ")");
      case 1 -> "identical";
      case 2 -> "superset";
      default -> "not compared";
    };
  }

  private static void requireNetwork(Connect c, String name, String here) throws LibvirtException {
    Network net;
    try {
      net = c.networkLookupByName(name);
    } catch (LibvirtException e) {
      if (LibvirtFailures.code(e) == ErrorNumber.VIR_ERR_NO_NETWORK) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "network " + name + " used by the guest does not exist on " + here);
      }
      throw e;
    }
    if (net.isActive() != 1) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "network " + name + " used by the guest is not active on " + here);
    }
  }

  private boolean bridgeExists(Connect c, String bridge) {
    try {
      c.interfaceLookupByName(bridge);
      return true;
    } catch (LibvirtException e) {
      // not known to the interface driver: a libvirt network's bridge, or a plain kernel bridge
    }
    try {
      for (String name : c.listNetworks()) {
        if (bridge.equals(c.networkLookupByName(name).getBridgeName())) {
          return true;
        }
      }
    } catch (LibvirtException e) {
      log.debug("cannot list networks: {}", e.getMessage());
    }
    return Files.exists(localPath.apply("/sys/class/net/" + bridge));
  }
}
