package dev.ferry.hypervisor.libvirt;

/**
 * Whether the agent may change anything through its libvirt connection now. {@link
 * LibvirtConnection#call} asks it before every call that may write; {@link LibvirtConnection#read}
 * never does.
 */
@FunctionalInterface
public interface WriteGate {

  /** Every write allowed: a connection that no lease guards (tests, a fence's own connection). */
  WriteGate OPEN = () -> {};

  /**
   * Returns when a write may start now.
   *
   * @throws LibvirtUnavailableException (retryable) when it may not
   */
  void checkWrite();
}
