package dev.ferry.evacuate;

import java.util.List;

/** The fencing methods an evacuation can ask for, and the failure types of fencing. */
public final class FenceMethods {
  /** The operator confirms the host is powered off; recorded with who said so. */
  public static final String CONFIRMED_OFF = "confirmed-off";

  /** Destroy the instance's domain through the host's libvirt, if it still answers. */
  public static final String LIBVIRT_DESTROY = "libvirt-destroy";

  /** Power the host off through its BMC (seam: needs credentials in the configuration). */
  public static final String IPMI = "ipmi";

  public static final String REDFISH = "redfish";

  public static final List<String> ALL = List.of(CONFIRMED_OFF, LIBVIRT_DESTROY, IPMI, REDFISH);

  /** The method is not configured for that host (no credentials, no reachable URI): final. */
  public static final String NOT_CONFIGURED = "Fencing.NotConfigured";

  public static final String UNKNOWN_METHOD = "Fencing.UnknownMethod";

  /** The method ran and could not fence (e.g. libvirt unreachable): retried a few times. */
  public static final String FAILED = "Fencing.Failed";

  private FenceMethods() {}
}
