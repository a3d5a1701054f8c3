package dev.ferry.move;

import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Temporal Web UI shows for a move: its static summary and details (set when the
 * InstanceWorkflow starts it) and the summaries of its activities and timers. One place, so the
 * list of moves and a move's history read alike.
 */
public final class WebUiTexts {

  /** Where a move goes when its request names no host: placement decides in the move. */
  static final String ANY_HOST = "any host";

  private WebUiTexts() {}

  /** "cold migration of web1: h1 → h2"; a resize names its new flavor. */
  public static String moveSummary(MoveRequest request, InstanceRecord instance) {
    String what = kind(request.type()) + " of " + instance.name;
    if (request.type() == MoveType.RESIZE && request.flavor() != null) {
      what += " to " + request.flavor();
    }
    String dest = request.destHost() == null ? ANY_HOST : request.destHost();
    return what + ": " + instance.host + " → " + dest;
  }

  /** A few lines (a Markdown list): the move id, the instance, the flavor, who asked. */
  public static String moveDetails(MoveRequest request, InstanceRecord instance) {
    List<String> lines = new ArrayList<>();
    lines.add("move id: " + request.moveId());
    lines.add("instance: " + instance.name + " (" + instance.id + ")");
    String flavor = instance.flavor == null ? "unknown" : instance.flavor.name();
    lines.add(
        "flavor: "
            + (request.flavor() == null || request.flavor().equals(flavor)
                ? flavor + " (unchanged)"
                : flavor + " → " + request.flavor()));
    lines.add("asked by: " + (request.requestedBy() == null ? "unknown" : request.requestedBy()));
    if (request.confirmWindowSeconds() != null && isColdMove(request.type())) {
      lines.add(
          request.confirmWindowSeconds() == 0
              ? "confirm: by the operator (no auto-confirm)"
              : "auto-confirm after "
                  + duration(Duration.ofSeconds(request.confirmWindowSeconds())));
    }
    if (request.fenceMethod() != null) {
      lines.add("fencing: " + request.fenceMethod());
    }
    return "- " + String.join("\n- ", lines);
  }

  /** An activity on a host's agent: "power off (web1 on h1)". */
  public static String hostCall(String what, String server, String host) {
    return what + " (" + (server == null ? "" : server + " on ") + host + ")";
  }

  /** The host's record asked whether the host is alive (after a call found no agent). */
  public static String hostAlive(String host) {
    return "is " + host + " alive? (its record)";
  }

  /** An evacuation's fencing of its failed source: "fence h1 (libvirt-destroy)". */
  public static String fence(String host, String method) {
    return "fence " + host + " (" + (method == null ? "the conductor's default" : method) + ")";
  }

  /** The VERIFY_RESIZE timer: "auto-confirm after 1h". */
  public static String autoConfirm(Duration window) {
    return "auto-confirm after " + duration(window);
  }

  /** A live migration queued for its source's outbound slot. */
  public static String slotWait(String host, Duration timeout) {
    return "wait for an outbound live-migration slot on "
        + host
        + " (up to "
        + duration(timeout)
        + ")";
  }

  /** "cold migration", "resize", "live migration", "evacuation". */
  public static String kind(MoveType type) {
    return type == null ? "move" : type.name().toLowerCase().replace('_', ' ');
  }

  /** "1h", "10m", "1m30s", "2d": the largest units, nothing that is zero. */
  public static String duration(Duration d) {
    long s = d.toSeconds();
    if (s <= 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (s >= sizes[i]) {
        out.append(s / sizes[i]).append(units[i]);
        s %= sizes[i];
      }
    }
    return out.toString();
  }

  private static boolean isColdMove(MoveType type) {
    return type == MoveType.RESIZE || type == MoveType.COLD_MIGRATION;
  }
}
