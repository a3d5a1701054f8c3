package dev.ferry.live;

import dev.ferry.model.DomainView;

/**
 * post_live_migration_at_destination: the guest's definition there, re-tagged with the new epoch,
 * and the completed job's statistics as the destination recorded them (null when unavailable).
 */
public record FinishedAtDestination(DomainView view, Long totalTimeMs, Long downtimeMs) {}
