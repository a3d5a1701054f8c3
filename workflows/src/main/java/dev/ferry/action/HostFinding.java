package dev.ferry.action;

import dev.ferry.model.DomainView;

/**
 * What one host said about a server during a reconcile.
 *
 * @param view the host's domain; null when the host could not be asked (DOWN, or no answer)
 * @param unknownWhy why the host could not be asked; null when it answered
 */
record HostFinding(String host, DomainView view, String unknownWhy) {

  static HostFinding answered(String host, DomainView view) {
    return new HostFinding(host, view, null);
  }

  static HostFinding unknown(String host, String why) {
    return new HostFinding(host, null, why);
  }

  boolean defines() {
    return view != null && view.exists();
  }

  /** A QEMU process holds the guest there: running, paused or suspended to RAM. */
  boolean active() {
    return defines()
        && switch (view.guest()) {
          case RUNNING, PAUSED, PM_SUSPENDED -> true;
          default -> false;
        };
  }
}
