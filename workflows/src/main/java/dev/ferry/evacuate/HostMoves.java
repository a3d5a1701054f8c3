package dev.ferry.evacuate;

/** Workflow ids of host evacuations and drains: one running per host and kind. */
public final class HostMoves {
  private HostMoves() {}

  public static String evacuationWorkflowId(String host) {
    return "host-evacuation:" + host;
  }

  public static String drainWorkflowId(String host) {
    return "host-drain:" + host;
  }
}
