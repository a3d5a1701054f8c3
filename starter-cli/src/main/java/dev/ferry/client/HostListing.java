package dev.ferry.client;

import dev.ferry.model.HostRecord;
import dev.ferry.model.Resources;

/**
 * A host as {@code host list} shows it: its HostWorkflow record and placement's view of its
 * capacity (allocation ratios applied) and what is claimed on it.
 */
public record HostListing(HostRecord record, Resources capacity, Resources used) {}
