package dev.ferry.hypervisor.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * Work done with a host's libvirt connection. Objects obtained from the connection (domains) must
 * not escape the call: after a reconnect they belong to a closed connection.
 */
@FunctionalInterface
public interface LibvirtCall<T> {
  T apply(Connect connect) throws LibvirtException;
}
