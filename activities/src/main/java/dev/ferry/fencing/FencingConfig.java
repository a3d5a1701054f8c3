package dev.ferry.fencing;

import dev.ferry.evacuate.FenceMethods;
import java.time.Duration;
import java.util.Map;

/**
 * The conductor's fencing configuration.
 *
 * @param defaultMethod used when an evacuation names none ({@link FenceMethods#LIBVIRT_DESTROY} by
 *     default: it fails on a host whose libvirt is gone, and the operator then confirms the
 *     power-off explicitly)
 * @param libvirtUris per host, the URI through which THE CONDUCTOR reaches that host's libvirt (an
 *     agent's own URI, e.g. {@code qemu:///system}, is local to the agent's host)
 * @param bmcs per host, its BMC (IPMI / Redfish) and credentials
 * @param libvirtOpenTimeout how long opening a host's libvirt may take before it counts as gone
 */
public record FencingConfig(
    String defaultMethod,
    Map<String, String> libvirtUris,
    Map<String, BmcTarget> bmcs,
    Duration libvirtOpenTimeout) {

  public FencingConfig {
    defaultMethod = defaultMethod == null ? FenceMethods.LIBVIRT_DESTROY : defaultMethod;
    libvirtUris = libvirtUris == null ? Map.of() : Map.copyOf(libvirtUris);
    bmcs = bmcs == null ? Map.of() : Map.copyOf(bmcs);
    libvirtOpenTimeout = libvirtOpenTimeout == null ? Duration.ofSeconds(15) : libvirtOpenTimeout;
  }

  public static FencingConfig defaults() {
    return new FencingConfig(null, null, null, null);
  }
}
