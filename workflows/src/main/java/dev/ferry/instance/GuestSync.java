package dev.ferry.instance;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.VmState;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether an agent's report of a guest's real state reaches the record, and what it changes (Nova's
 * power-state sync). A report is applied only when the record owns nothing else about the guest: no
 * move holds it, it comes from the record's host about the record's epoch, and it changes
 * something. Otherwise it is refused with the reason, and nothing is written.
 */
public final class GuestSync {

  /**
   * States the sync never leaves: building and deleted records are their workflows' own; ERROR
   * waits for an operator (Nova's sync skips it too).
   */
  private static final Set<VmState> NOT_SYNCED =
      EnumSet.of(VmState.BUILDING, VmState.DELETED, VmState.ERROR);

  private GuestSync() {}

  /** Throws the rejection that says why {@code report} does not reach {@code record}. */
  public static void check(InstanceRecord record, GuestObservation report) {
    if (report == null || report.state() == null || report.host() == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a guest report needs a host and a state");
    }
    if (!record.id.equals(report.instanceId())) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, "report about " + report.instanceId() + " sent to " + record.id);
    }
    if (record.isBusy()) {
      throw new FerryRejection(
          Reason.INSTANCE_BUSY,
          "the " + record.holder() + " holds " + record.name + "; it reads the guest itself");
    }
    if (NOT_SYNCED.contains(record.vmState)) {
      throw new FerryRejection(
          Reason.INVALID_STATE, record.name + " is " + record.vmState + ": not synced");
    }
    if (!report.host().equals(record.host)) {
      throw new FerryRejection(
          Reason.STALE_REPORT,
          "report from "
              + report.host()
              + " about a copy of "
              + record.name
              + " that lives on "
              + record.host);
    }
    if (report.state() != GuestState.MISSING && report.epoch() != record.epoch) {
      throw new FerryRejection(
          Reason.STALE_REPORT,
          "report about epoch "
              + report.epoch()
              + " of "
              + record.name
              + ", the record's is "
              + record.epoch);
    }
    if (record.vmState == report.state().vmState()
        && record.powerState == report.state().powerState()) {
      throw new FerryRejection(Reason.NO_CHANGE, record.name + " already is " + record.vmState);
    }
  }

  /** Applies a report {@link #check} accepted; returns what changed, for the log. */
  public static String apply(InstanceRecord record, GuestObservation report) {
    String before = record.vmState + "/" + record.powerState;
    GuestState state = report.state();
    record.vmState = state.vmState();
    record.powerState = state.powerState();
    if (state == GuestState.CRASHED) {
      record.lastError =
          "guest crashed on "
              + report.host()
              + (report.reason() == null ? "" : ": " + report.reason());
    } else if (state == GuestState.MISSING) {
      record.lastError = "domain missing on host " + report.host();
    }
    return before
        + " -> "
        + record.vmState
        + "/"
        + record.powerState
        + " ("
        + state
        + " on "
        + report.host()
        + ")";
  }
}
