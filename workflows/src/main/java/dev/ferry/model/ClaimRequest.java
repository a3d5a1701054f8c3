package dev.ferry.model;

import java.util.List;

/**
 * Ask placement for resources. With {@code host} null the scheduler picks among hosts that are UP,
 * enabled, have capacity and are not excluded.
 */
public record ClaimRequest(
    String consumerId, Resources resources, String host, List<String> excludeHosts) {}
