package dev.ferry.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.Resources;

/**
 * A host as {@code host list} shows it: its HostWorkflow record and placement's view of its
 * capacity (allocation ratios applied) and what is claimed on it.
 */
public record HostListing(HostRecord record, Resources capacity, Resources used) {

  /**
   * UP only when its agent is UP and it is not forced down, as Nova's service list shows a forced
   * down service: what placement and moves count. The record's own {@code status} is the agent's.
   */
  @JsonProperty("status")
  public HostStatus status() {
    return record.isAlive() ? HostStatus.UP : HostStatus.DOWN;
  }
}
