package dev.ferry.resize;

import dev.ferry.model.HostRecord;
import dev.ferry.move.MoveStepException;
import java.net.URI;

/**
 * How one host's agent opens a client connection to another host's libvirt (to stream a disk). A
 * host registers the URI its own agent uses; that one is reachable from a peer when it names a
 * remote host ({@code qemu+tls://host-b/system}) or a socket path every host sees (the test bed's
 * {@code qemu+unix:///system?socket=...}). A purely local URI ({@code qemu:///system}) is not: the
 * host's migration URI is used instead.
 */
final class PeerUris {
  private PeerUris() {}

  static String forDiskCopy(HostRecord host) {
    String own = host.libvirtUri;
    if (own != null && !own.isBlank() && reachableFromPeers(own)) {
      return own;
    }
    if (host.migrationUri != null && !host.migrationUri.isBlank()) {
      return host.migrationUri;
    }
    throw new MoveStepException(
        "host "
            + host.name
            + " registered no libvirt URI a peer can open (libvirt "
            + own
            + ", migration "
            + host.migrationUri
            + ")");
  }

  static boolean reachableFromPeers(String uri) {
    try {
      URI u = URI.create(uri);
      String query = u.getRawQuery();
      return (u.getHost() != null && !u.getHost().isBlank())
          || (query != null && query.contains("socket="));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
