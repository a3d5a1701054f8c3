package dev.ferry.hypervisor.libvirt;

/**
 * The host's libvirt cannot be reached (daemon down or restarting, connection lost). Retryable: an
 * activity failing with it is retried once the agent has reconnected.
 */
public class LibvirtUnavailableException extends RuntimeException {
  public LibvirtUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
