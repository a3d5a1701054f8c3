package dev.ferry.model;

import java.util.List;

/**
 * Ask placement for resources. With {@code host} null the scheduler picks among hosts that are UP,
 * enabled, have capacity and are not excluded.
 *
 * @param likeHost a move's source: the host must run its hypervisor type, at least its version;
 *     null for a new server
 */
public record ClaimRequest(
    String consumerId,
    Resources resources,
    String host,
    List<String> excludeHosts,
    String likeHost) {

  /** A claim for a new server: any hypervisor will do. */
  public ClaimRequest(
      String consumerId, Resources resources, String host, List<String> excludeHosts) {
    this(consumerId, resources, host, excludeHosts, null);
  }

  /** The same claim for a guest coming from {@code source}. */
  public ClaimRequest like(String source) {
    return new ClaimRequest(consumerId, resources, host, excludeHosts, source);
  }
}
