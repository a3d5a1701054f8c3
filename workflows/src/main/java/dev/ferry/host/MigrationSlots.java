package dev.ferry.host;

import dev.ferry.model.HostRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's outbound live-migration slots (Nova's {@code max_concurrent_live_migrations}): held by
 * move id, queued FIFO. Kept on the HostWorkflow, so an agent restart cannot start a second
 * outbound migration. Pure logic over the record's fields.
 */
public final class MigrationSlots {
  private final HostRecord host;

  public MigrationSlots(HostRecord host) {
    this.host = host;
  }

  /** True when {@code moveId} holds a slot now (again, for a retried call); false when queued. */
  public boolean acquire(String moveId) {
    if (host.slotHolders.contains(moveId)) {
      return true;
    }
    if (host.slotHolders.size() < limit() && host.slotQueue.isEmpty()) {
      host.slotHolders.add(moveId);
      return true;
    }
    if (!host.slotQueue.contains(moveId)) {
      host.slotQueue.add(moveId);
    }
    return false;
  }

  /** Frees {@code moveId}'s slot or queue place; returns the moves granted a slot by it. */
  public List<String> release(String moveId) {
    host.slotHolders.remove(moveId);
    host.slotQueue.remove(moveId);
    List<String> granted = new ArrayList<>();
    while (host.slotHolders.size() < limit() && !host.slotQueue.isEmpty()) {
      String next = host.slotQueue.remove(0);
      host.slotHolders.add(next);
      granted.add(next);
    }
    return granted;
  }

  public boolean inUse() {
    return !host.slotHolders.isEmpty() || !host.slotQueue.isEmpty();
  }

  /** Holders and queued moves, for the periodic check of owners that closed without releasing. */
  public List<String> owners() {
    List<String> all = new ArrayList<>(host.slotHolders);
    all.addAll(host.slotQueue);
    return all;
  }

  private int limit() {
    return Math.max(1, host.maxConcurrentLiveMigrations);
  }
}
