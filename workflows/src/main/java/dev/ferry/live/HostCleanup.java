package dev.ferry.live;

import dev.ferry.model.CleanupItem;
import dev.ferry.move.ConductorCalls;

/**
 * Work a host that stopped answering owes: a cleanup item on its HostWorkflow, done (epoch-guarded)
 * before its agent serves again.
 */
final class HostCleanup {

  private final LiveRun run;

  HostCleanup(LiveRun run) {
    this.run = run;
  }

  void owe(String host, long epochAtMost, CleanupItem.Kind kind, String reason) {
    CleanupItem item =
        new CleanupItem(
            run.moveConsumer() + ":" + host,
            kind,
            run.record.id,
            epochAtMost,
            kind == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK ? run.record.diskPath : null,
            reason);
    ConductorCalls.owe(host, item, run::noteError);
  }

  /**
   * What a dead host's stale copy needs removed: the domain, and the disks when they were copied.
   */
  CleanupItem.Kind staleCopyKind() {
    return run.block()
        ? CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
        : CleanupItem.Kind.REMOVE_STALE_DOMAIN;
  }
}
