package dev.ferry.cli.common;

import dev.ferry.client.HostListing;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.Flavor;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.Resources;
import dev.ferry.model.ServerStatus;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import java.time.Instant;
import java.util.List;
import java.util.function.ToIntFunction;

/** The table renderings of Ferry's objects, shared by the commands. */
public final class Views {
  private Views() {}

  public static TableWriter hostTable(List<HostListing> hosts) {
    TableWriter t =
        TableWriter.of("NAME", "STATUS", "STATE", "FORCED-DOWN", "VCPUS", "MEMORY_MB", "DISK_GB");
    for (HostListing h : hosts) {
      HostRecord r = h.record();
      t.row(
          r.name,
          h.status(),
          state(r),
          yesNo(r.forcedDown),
          usage(h, Resources::vcpus),
          usage(h, Resources::memoryMb),
          usage(h, Resources::diskGb));
    }
    return t;
  }

  public static TableWriter hostDetails(HostListing h) {
    HostRecord r = h.record();
    TableWriter t =
        TableWriter.details()
            .row("Name:", r.name)
            .row("Status:", status(h))
            .row(
                "State:",
                state(r) + (r.disabledReason != null ? " (" + r.disabledReason + ")" : ""))
            .row("Forced down:", yesNo(r.forcedDown))
            .row("Status changed:", time(r.statusChangedAtMillis))
            .row("Hypervisor:", hypervisor(r))
            .row("Libvirt URI:", r.libvirtUri)
            .row("Migration URI:", r.migrationUri)
            .row("Agent incarnation:", r.incarnation)
            .row("vCPUs (used/cap):", usage(h, Resources::vcpus))
            .row("Memory MB (used/cap):", usage(h, Resources::memoryMb))
            .row("Disk GB (used/cap):", usage(h, Resources::diskGb));
    t.row("Live-migration slots:", slots(r));
    List<CleanupItem> cleanup = r.cleanup == null ? List.of() : r.cleanup;
    t.row("Cleanup owed:", cleanup.isEmpty() ? "none" : cleanup.size() + " item(s)");
    for (CleanupItem c : cleanup) {
      t.row("", c.kind() + " server " + c.instanceId() + " (" + c.reason() + ")");
    }
    if (r.unmanagedDomains != null && !r.unmanagedDomains.isEmpty()) {
      t.row("Unmanaged domains:", String.join(", ", r.unmanagedDomains));
    }
    return t;
  }

  public static TableWriter serverTable(List<InstanceRecord> servers) {
    TableWriter t =
        TableWriter.of(
            "NAME", "ID", "HOST", "FLAVOR", "STATUS", "VM_STATE", "TASK_STATE", "POWER_STATE");
    for (InstanceRecord r : servers) {
      t.row(
          r.name,
          r.id,
          r.host,
          r.flavor == null ? null : r.flavor.name(),
          ServerStatus.of(r),
          r.vmState,
          r.taskState,
          r.powerState);
    }
    return t;
  }

  /**
   * One server's record. While a resize waits in VERIFY_RESIZE the record's host and flavor are the
   * destination's and the new one: {@code Resized from:} says where and with what it ran before.
   * {@code Note:} (what the last move wants known, no error) only when there is one.
   */
  public static TableWriter serverDetails(InstanceRecord r) {
    TableWriter t =
        TableWriter.details()
            .row("Name:", r.name)
            .row("ID:", r.id)
            .row("Host:", r.host)
            .row("Flavor:", flavor(r.flavor));
    if (r.resizedFromHost != null || r.resizedFromFlavor != null) {
      t.row(
          "Resized from:",
          (r.resizedFromHost != null ? r.resizedFromHost : r.host)
              + (r.resizedFromFlavor == null ? "" : " (" + r.resizedFromFlavor.name() + ")"));
    }
    t.row("Status:", ServerStatus.of(r))
        .row("VM state:", r.vmState)
        .row("Task state:", r.taskState)
        .row("Power state:", r.powerState)
        .row("Epoch:", r.epoch)
        .row(
            "Current move:",
            r.currentMoveId == null
                ? "none"
                : r.currentMoveType + " " + r.currentMoveId + " (" + r.currentMoveStatus + ")")
        .row(
            "Current action:",
            r.currentActionId == null
                ? null
                : r.currentAction.novaName()
                    + " "
                    + r.currentActionId
                    + " (by "
                    + r.currentActionBy
                    + ")")
        .row("Disk:", r.diskPath == null ? null : r.diskPath + (r.sharedStorage ? " (shared)" : ""))
        .row("Image:", r.baseImage)
        .row("Adopted domain:", r.adoptedDomain)
        .row("Created:", time(r.createdAtMillis))
        .row("Last error:", r.lastError);
    if (r.note != null && !r.note.isBlank()) {
      t.row("Note:", r.note);
    }
    return t;
  }

  private static String flavor(Flavor f) {
    return f == null
        ? null
        : f.name() + " (" + f.vcpus() + " vCPU, " + f.memoryMb() + " MB, " + f.diskGb() + " GB)";
  }

  /** The server's actions (stop, reboot, reconcile...), oldest first: who, when, the result. */
  public static TableWriter actionHistory(InstanceRecord r) {
    TableWriter t = TableWriter.of("ACTION", "KIND", "BY", "RESULT", "STARTED", "ENDED", "MESSAGE");
    if (r.actions != null) {
      for (ActionSummary a : r.actions) {
        t.row(
            a.actionId(),
            a.action().novaName(),
            a.requestedBy(),
            a.succeeded() ? "succeeded" : "failed",
            time(a.startedAtMillis()),
            time(a.endedAtMillis()),
            a.message() == null ? "" : a.message());
      }
    }
    return t;
  }

  public static TableWriter moveHistory(InstanceRecord r) {
    TableWriter t = TableWriter.of("MOVE", "TYPE", "SOURCE", "DEST", "STATUS", "STARTED", "ENDED");
    if (r.moves != null) {
      for (MoveSummary m : r.moves) {
        t.row(
            m.moveId(),
            m.type(),
            m.sourceHost(),
            m.destHost(),
            m.status(),
            time(m.startedAtMillis()),
            time(m.endedAtMillis()));
      }
    }
    return t;
  }

  public static TableWriter moveDetails(MoveView v) {
    return TableWriter.details()
        .row("Move:", v.moveId())
        .row("Type:", v.type())
        .row("Server:", v.instanceId())
        .row("Source host:", v.sourceHost())
        .row("Destination host:", v.destHost())
        .row("Status:", v.status() + (v.finished() ? " (finished)" : ""))
        .row("Error:", v.error());
  }

  /** Every status change with its time (ISO-8601, UTC) and who caused it. */
  public static TableWriter moveLog(MoveView v) {
    TableWriter t = TableWriter.of("TIME", "FROM", "EVENT", "TO", "ACTOR");
    if (v.log() != null) {
      for (StateMachine.Change c : v.log()) {
        t.row(time(c.atMillis()), c.from(), c.event(), c.to(), c.actor());
      }
    }
    return t;
  }

  /** ISO-8601 in UTC, e.g. {@code 2026-11-21T22:06:50.123Z}; 0 prints as {@code -}. */
  public static String time(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  private static String usage(HostListing h, ToIntFunction<Resources> part) {
    if (h.capacity() == null) {
      return null;
    }
    int used = h.used() == null ? 0 : part.applyAsInt(h.used());
    return used + "/" + part.applyAsInt(h.capacity());
  }

  private static String slots(HostRecord r) {
    List<String> holders = r.slotHolders == null ? List.of() : r.slotHolders;
    List<String> queue = r.slotQueue == null ? List.of() : r.slotQueue;
    StringBuilder b =
        new StringBuilder(holders.size() + "/" + r.maxConcurrentLiveMigrations + " in use");
    if (!holders.isEmpty()) {
      b.append(" (").append(String.join(", ", holders)).append(')');
    }
    b.append(", ").append(queue.size()).append(" queued");
    return b.toString();
  }

  /** DOWN when forced down, whatever its agent reports: it counts as DOWN. */
  private static String status(HostListing h) {
    HostRecord r = h.record();
    if (r.forcedDown) {
      return h.status() + " (forced down; its agent is " + r.status + ")";
    }
    return r.status + (r.downReason != null ? " (" + r.downReason + ")" : "");
  }

  private static String state(HostRecord r) {
    return r.enabled ? "enabled" : "disabled";
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private static String hypervisor(HostRecord r) {
    if (r.hypervisorType == null) {
      return null;
    }
    return r.hypervisorType + (r.hypervisorVersion > 0 ? " " + r.hypervisorVersion : "");
  }
}
