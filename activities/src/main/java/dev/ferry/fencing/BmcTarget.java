package dev.ferry.fencing;

/**
 * A host's baseboard management controller, from the conductor's configuration.
 *
 * @param type {@code ipmi} or {@code redfish}
 * @param address host[:port] (IPMI) or base URL (Redfish)
 */
public record BmcTarget(String type, String address, String username, String password) {
  /** Never prints the password. */
  @Override
  public String toString() {
    return "BmcTarget[type=" + type + ", address=" + address + ", username=" + username + "]";
  }
}
