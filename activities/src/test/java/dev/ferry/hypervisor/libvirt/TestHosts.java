package dev.ferry.hypervisor.libvirt;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Simulated compute hosts for libvirt's test driver: one node.xml per host under test resources.
 */
public final class TestHosts {
  public static final String HOST_A = "host-a";
  public static final String HOST_B = "host-b";

  private TestHosts() {}

  /** {@code test:///<abs path>/node.xml}: every connection to it is a fresh host. */
  public static String uri(String host) {
    try {
      Path node = Path.of(TestHosts.class.getResource("/hypervisor/" + host + "/node.xml").toURI());
      return "test://" + node.toAbsolutePath();
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("no node.xml for test host " + host, e);
    }
  }
}
