package dev.ferry.model;

import java.util.UUID;
import java.util.regex.Pattern;

/** Workflow ids, task queues and name rules, in one place. */
public final class Names {
  public static final String CONDUCTOR_QUEUE = "ferry-conductor";
  public static final String PLACEMENT_WORKFLOW_ID = "ferry-placement";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}");

  private Names() {}

  public static String hostQueue(String host) {
    return "ferry-host-" + host;
  }

  public static String hostWorkflowId(String host) {
    return "host:" + host;
  }

  public static String instanceWorkflowId(String instanceId) {
    return "instance:" + instanceId;
  }

  public static String moveWorkflowId(String moveId) {
    return "move:" + moveId;
  }

  /** A server action (stop, pause, reboot...): {@code action:<action id>}. */
  public static String actionWorkflowId(String actionId) {
    return "action:" + actionId;
  }

  /** Host and server names: 1-63 of letters, digits, '.', '_', '-', starting alphanumeric. */
  public static String requireValidName(String kind, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new FerryRejection(
          FerryRejection.Reason.INVALID_ARGUMENT,
          "invalid "
              + kind
              + " name '"
              + name
              + "': use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  public static boolean isUuid(String s) {
    try {
      return s != null && s.length() == 36 && UUID.fromString(s).toString().equals(s.toLowerCase());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
