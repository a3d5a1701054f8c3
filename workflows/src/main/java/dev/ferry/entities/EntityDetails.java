package dev.ferry.entities;

import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.move.WebUiTexts;
import dev.ferry.placement.PlacementState;

/**
 * The entities' current details, the line the Temporal Web UI shows for a long-lived workflow. Not
 * a static summary: those are lost at continue-as-new (SDK 1.38), current details are set again by
 * every run.
 */
public final class EntityDetails {

  private EntityDetails() {}

  /** "web1: ACTIVE on h1 (m1.small), power RUNNING; cold migration move:abc: finished". */
  public static String instance(InstanceRecord r) {
    StringBuilder out =
        new StringBuilder(r.name + ": " + r.vmState + " on " + r.host)
            .append(r.flavor == null ? "" : " (" + r.flavor.name() + ")");
    if (r.resizedFromHost != null) {
      out.append(" from ").append(r.resizedFromHost);
    }
    if (r.powerState != null && r.powerState != PowerState.NOSTATE) {
      out.append(", power ").append(r.powerState);
    }
    if (r.currentActionId != null) {
      out.append("; ")
          .append(r.currentAction.novaName())
          .append(' ')
          .append(Names.actionWorkflowId(r.currentActionId));
    }
    if (r.currentMoveId != null) {
      out.append("; ")
          .append(WebUiTexts.kind(r.currentMoveType))
          .append(' ')
          .append(Names.moveWorkflowId(r.currentMoveId))
          .append(": ")
          .append(r.currentMoveStatus);
    }
    if (r.lastError != null) {
      out.append("; last error: ").append(r.lastError);
    }
    return out.toString();
  }

  /** "h1: UP, enabled; live-migration slots 1/1, 2 queued; 1 cleanup owed". */
  public static String host(HostRecord h) {
    StringBuilder out = new StringBuilder(h.name + ": ");
    if (h.forcedDown) {
      out.append("forced down");
    } else {
      out.append(h.status);
      if (h.status == HostStatus.DOWN && h.downReason != null) {
        out.append(" (").append(h.downReason).append(')');
      }
    }
    out.append(h.enabled ? ", enabled" : ", disabled");
    if (!h.enabled && h.disabledReason != null) {
      out.append(" (").append(h.disabledReason).append(')');
    }
    int holding = h.slotHolders == null ? 0 : h.slotHolders.size();
    int queued = h.slotQueue == null ? 0 : h.slotQueue.size();
    if (holding + queued > 0) {
      out.append("; live-migration slots ")
          .append(holding)
          .append('/')
          .append(h.maxConcurrentLiveMigrations)
          .append(queued > 0 ? ", " + queued + " queued" : "");
    }
    int owed = h.cleanup == null ? 0 : h.cleanup.size();
    if (owed > 0) {
      out.append("; ").append(owed).append(" cleanup").append(owed == 1 ? "" : "s").append(" owed");
    }
    return out.toString();
  }

  /** "2 hosts (2 up), 3 servers, 1 move holding a claim". */
  public static String placement(PlacementState s) {
    long up = s.hosts.values().stream().filter(h -> h.status() == HostStatus.UP).count();
    long moves =
        s.claims.keySet().stream().filter(c -> c.startsWith(Names.moveWorkflowId(""))).count();
    return s.hosts.size()
        + (s.hosts.size() == 1 ? " host (" : " hosts (")
        + up
        + " up), "
        + s.instances.size()
        + (s.instances.size() == 1 ? " server, " : " servers, ")
        + moves
        + (moves == 1 ? " move holding a claim" : " moves holding claims");
  }
}
