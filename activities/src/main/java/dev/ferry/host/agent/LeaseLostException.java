package dev.ferry.host.agent;

import dev.ferry.hypervisor.libvirt.LibvirtUnavailableException;

/**
 * A write to libvirt refused because the agent's lease is not live. Retryable, as an unreachable
 * libvirt is: the activity is tried again, and writes once the agent holds a lease again (under a
 * new incarnation, after its cleanup list, when it had lost the lease).
 */
public class LeaseLostException extends LibvirtUnavailableException {
  public LeaseLostException(String hostName) {
    super(
        "the agent of host "
            + hostName
            + " has lost its lease: not writing to libvirt until it has registered again",
        null);
  }
}
