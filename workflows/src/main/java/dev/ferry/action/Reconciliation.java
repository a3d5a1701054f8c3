package dev.ferry.action;

import dev.ferry.model.ActionOutcome;
import dev.ferry.model.GuestState;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a reconcile concludes from every host's answer, decided in one place. A copy whose guest is
 * active wins; two active copies are refused, naming both hosts (the operator must stop one); with
 * none active, the record's host's copy, else the only copy, else the newest epoch. A host that
 * could not be asked is unknown, never "absent": the server is missing only when every host
 * answered.
 */
final class Reconciliation {

  private Reconciliation() {}

  static ActionOutcome decide(String actionId, String recordHost, List<HostFinding> findings) {
    List<HostFinding> active = findings.stream().filter(HostFinding::active).toList();
    if (active.size() > 1) {
      return refused(
          actionId,
          "the guest runs on "
              + hosts(active)
              + " at once: stop the copy that must not run (virsh destroy), then reconcile again");
    }
    List<HostFinding> copies = findings.stream().filter(HostFinding::defines).toList();
    HostFinding chosen = active.isEmpty() ? chooseInactive(recordHost, copies) : active.get(0);
    List<HostFinding> unknown = findings.stream().filter(f -> f.unknownWhy() != null).toList();
    if (chosen == null && copies.size() > 1) {
      return refused(
          actionId,
          "shut-off copies on "
              + hosts(copies)
              + " with the same epoch: cannot tell which is the server; reset its state or remove"
              + " one");
    }
    if (chosen == null) {
      if (!unknown.isEmpty()) {
        return refused(
            actionId,
            "no UP host defines the server; unknown on "
                + unknown.stream()
                    .map(f -> f.host() + " (" + f.unknownWhy() + ")")
                    .collect(Collectors.joining(", "))
                + ": reconcile again when they answer");
      }
      return new ActionOutcome(
          actionId,
          true,
          GuestState.MISSING,
          "no host defines the server: domain missing on every host",
          recordHost,
          null);
    }
    String others =
        copies.stream()
            .filter(f -> f != chosen)
            .map(f -> f.host() + " (epoch " + f.view().epoch() + ", " + f.view().guest() + ")")
            .collect(Collectors.joining(", "));
    return new ActionOutcome(
        actionId,
        true,
        chosen.view().guest(),
        "found "
            + chosen.view().guest()
            + " on "
            + chosen.host()
            + " (epoch "
            + chosen.view().epoch()
            + ")"
            + (others.isEmpty() ? "" : "; also defined on " + others)
            + (unknown.isEmpty() ? "" : "; not asked: " + hosts(unknown)),
        chosen.host(),
        chosen.view().epoch());
  }

  private static HostFinding chooseInactive(String recordHost, List<HostFinding> copies) {
    for (HostFinding f : copies) {
      if (f.host().equals(recordHost)) {
        return f;
      }
    }
    if (copies.size() == 1) {
      return copies.get(0);
    }
    List<HostFinding> newest =
        copies.stream()
            .sorted(Comparator.comparingLong((HostFinding f) -> f.view().epoch()).reversed())
            .toList();
    if (newest.size() > 1 && newest.get(0).view().epoch() > newest.get(1).view().epoch()) {
      return newest.get(0);
    }
    return null;
  }

  private static ActionOutcome refused(String actionId, String why) {
    return new ActionOutcome(actionId, false, null, why);
  }

  private static String hosts(List<HostFinding> findings) {
    return findings.stream().map(HostFinding::host).collect(Collectors.joining(" and "));
  }
}
