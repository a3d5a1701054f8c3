package dev.ferry.fencing;

/**
 * Powers a host off through its BMC: the seam for IPMI and Redfish. No client ships with this
 * version of Ferry; {@link #NONE} fails, saying so.
 */
public interface BmcClient {
  /**
   * Powers the host off (hard) and returns once the BMC reports it off.
   *
   * @throws RuntimeException when it could not
   */
  void powerOff(String host, BmcTarget target);

  BmcClient NONE =
      (host, target) -> {
        throw Fencing.notConfigured(
            target.type()
                + " fencing of host "
                + host
                + " is configured ("
                + target.address()
                + ") but no "
                + target.type()
                + " client is installed in this version of Ferry");
      };
}
