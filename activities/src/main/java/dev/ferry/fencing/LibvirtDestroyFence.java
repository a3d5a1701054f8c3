package dev.ferry.fencing;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.evacuate.FenceResult;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtFailures;
import dev.ferry.hypervisor.libvirt.LibvirtUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Destroys the instance's domain through the failed host's libvirt, if it still answers (the agent
 * may be dead while libvirtd and the guest live on). The conductor opens the host's URI itself: the
 * configured one for that host ({@code ferry.fencing.libvirt-uris.<host>}), else the one its agent
 * registered if that names a remote host. A local URI ({@code qemu:///system}) is refused: from the
 * conductor it reaches the conductor's own libvirt. A test-driver URI is refused too: it opens a
 * fresh mock host, which proves nothing. A libvirt that does not answer fails the method.
 */
public final class LibvirtDestroyFence implements FenceMethod {

  private final Map<String, String> configuredUris;
  private final Duration openTimeout;
  private final boolean allowTestDriver;

  public LibvirtDestroyFence(Map<String, String> configuredUris, Duration openTimeout) {
    this(configuredUris, openTimeout, false);
  }

  /** For tests: {@code test:///default} keeps its state within one process. */
  LibvirtDestroyFence(
      Map<String, String> configuredUris, Duration openTimeout, boolean allowTestDriver) {
    this.configuredUris = configuredUris;
    this.openTimeout = openTimeout;
    this.allowTestDriver = allowTestDriver;
  }

  @Override
  public String name() {
    return FenceMethods.LIBVIRT_DESTROY;
  }

  @Override
  public void requireConfigured(FenceRequest request) {
    uriFor(request);
  }

  @Override
  public FenceResult fence(FenceRequest request) {
    String uri = uriFor(request);
    LibvirtConnection connection;
    try {
      connection =
          LibvirtConnection.open(
              uri,
              new LibvirtConnection.Options(
                  openTimeout,
                  Duration.ofSeconds(1),
                  Duration.ofMillis(250),
                  Duration.ofSeconds(5),
                  2,
                  3));
    } catch (LibvirtUnavailableException e) {
      throw Fencing.failed(
          "cannot fence host "
              + request.host()
              + " by libvirt-destroy: its libvirt at "
              + uri
              + " does not answer ("
              + e.getMessage()
              + ")",
          e);
    }
    try {
      String summary = connection.call(c -> destroy(c, request, uri));
      return new FenceResult(name(), request.host(), summary);
    } catch (LibvirtException | LibvirtUnavailableException e) {
      throw Fencing.failed(
          "destroying " + request.instanceId() + " on " + uri + " failed: " + e.getMessage(), e);
    } finally {
      connection.close();
    }
  }

  private static String destroy(org.libvirt.Connect c, FenceRequest request, String uri)
      throws LibvirtException {
    Domain domain;
    try {
      domain = c.domainLookupByUUIDString(request.instanceId());
    } catch (LibvirtException e) {
      if (LibvirtFailures.isNoDomain(e)) {
        return "host "
            + request.host()
            + " has no domain "
            + request.instanceId()
            + " (asked "
            + uri
            + "): nothing of it can run there";
      }
      throw e;
    }
    String name = domain.getName();
    if (domain.isActive() == 1) {
      try {
        domain.destroy();
      } catch (LibvirtException e) {
        if (domain.isActive() == 1) {
          throw e;
        }
      }
      if (domain.isActive() == 1) {
        throw new IllegalStateException("domain " + name + " still runs after destroy");
      }
      return "destroyed domain " + name + " on host " + request.host() + " through " + uri;
    }
    return "domain " + name + " on host " + request.host() + " is shut off (asked " + uri + ")";
  }

  /** The URI the conductor may use for the host, or a NotConfigured failure saying why none. */
  String uriFor(FenceRequest request) {
    String configured = configuredUris.get(request.host());
    if (configured != null && !configured.isBlank()) {
      refuseTestDriver(request.host(), configured);
      return configured;
    }
    String registered = request.libvirtUri();
    String hint =
        ": configure ferry.fencing.libvirt-uris."
            + request.host()
            + " with a URI the conductor can reach (e.g. qemu+tcp://"
            + request.host()
            + "/system), or use another --fence method";
    if (registered == null || registered.isBlank()) {
      throw Fencing.notConfigured(
          "host " + request.host() + " has no libvirt URI on record" + hint);
    }
    refuseTestDriver(request.host(), registered);
    if (!namesARemoteHost(registered)) {
      throw Fencing.notConfigured(
          "host "
              + request.host()
              + "'s libvirt URI "
              + registered
              + " is local to its agent: from the conductor it would reach another libvirt"
              + hint);
    }
    return registered;
  }

  private void refuseTestDriver(String host, String uri) {
    if (LibvirtConnection.isTestDriver(uri) && !allowTestDriver) {
      throw Fencing.notConfigured(
          "host "
              + host
              + "'s libvirt URI "
              + uri
              + " is libvirt's test driver: opening it from the conductor gives a fresh mock"
              + " host, which proves nothing about "
              + host
              + "; use --fence confirmed-off");
    }
  }

  static boolean namesARemoteHost(String uri) {
    try {
      String host = new URI(uri).getHost();
      return host != null && !host.isBlank();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
