package dev.ferry.placement;

import dev.ferry.model.Resources;

/**
 * A new instance entering the cluster: its name must be unused, its host UP and enabled with
 * capacity (or, for adoption, {@code force} claims whatever the domain already uses).
 */
public record Admission(
    String instanceId, String name, String host, Resources resources, boolean force) {}
