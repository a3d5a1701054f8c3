package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a server is referred to: by its name or by its id (a UUID), and never one mistaken for the
 * other. A new name may not be, or look like, an id; a reference that is neither a valid name nor
 * an id is malformed (INVALID_ARGUMENT), which is not the same as one that names no server
 * (UNKNOWN_INSTANCE).
 */
public final class ServerRefs {
  /**
   * Shaped like an id without being one: five groups of hex digits ({@code 6f1c2d3e-12-4a-8b-9}),
   * eight hex digits and two to four more groups (a cut-off id, {@code 6f1c2d3e-1234-4abc}), or the
   * 8-4-4-4-12 layout with a character that is not a hex digit.
   */
  private static final Pattern ID_SHAPED =
      Pattern.compile(
          "[0-9a-fA-F]+(-[0-9a-fA-F]+){4}"
              + "|[0-9a-fA-F]{8}(-[0-9a-fA-F]+){2,4}"
              + "|[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}");

  private ServerRefs() {}

  /** A server id ({@link Names#isUuid}), or something shaped like one. */
  public static boolean looksLikeId(String s) {
    return s != null && (Names.isUuid(s) || ID_SHAPED.matcher(s).matches());
  }

  /**
   * A new server's name: {@link Names#requireValidName}'s rule, and not an id or shaped like one
   * (else {@code ferry server show <uuid>} could reach either of two servers).
   *
   * @throws FerryRejection INVALID_ARGUMENT
   */
  public static String requireName(String name) {
    Names.requireValidName("server", name);
    if (looksLikeId(name)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "invalid server name '"
              + name
              + "': a name cannot be or look like a UUID, which is how server ids are written");
    }
    return name;
  }

  /**
   * The instance id that {@code nameOrId} refers to in placement's index (instance id to name). An
   * id not in the index is returned as is (lower case): a deleted server is still queryable, and
   * the query says whether it exists.
   *
   * @throws FerryRejection INVALID_ARGUMENT when it is neither a valid name nor an id;
   *     UNKNOWN_INSTANCE when no server has that name; DUPLICATE_NAME when it is one server's id
   *     and another's name (a name given before names could be ids)
   */
  static String resolve(Map<String, String> index, String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server name or id is required");
    }
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, String> e : index.entrySet()) {
      if (nameOrId.equals(e.getValue())) {
        named.add(e.getKey());
      }
    }
    if (Names.isUuid(nameOrId)) {
      String id = nameOrId.toLowerCase(Locale.ROOT);
      named.remove(id);
      if (index.containsKey(id) && !named.isEmpty()) {
        throw new FerryRejection(
            Reason.DUPLICATE_NAME,
            "'"
                + nameOrId
                + "' is the id of server "
                + index.get(id)
                + " and the name of server "
                + named.get(0)
                + " (named before a name could be a UUID): refer to server "
                + index.get(id)
                + " by its name, or to the other by its id "
                + named.get(0));
      }
      return index.containsKey(id) || named.isEmpty() ? id : named.get(0);
    }
    if (!named.isEmpty()) {
      return named.get(0);
    }
    if (looksLikeId(nameOrId) || !isValidName(nameOrId)) {
      throw malformed(nameOrId);
    }
    throw unknown(nameOrId);
  }

  private static boolean isValidName(String s) {
    try {
      Names.requireValidName("server", s);
      return true;
    } catch (FerryRejection invalid) {
      return false;
    }
  }

  /** Neither a server name nor a server id. */
  static FerryRejection malformed(String nameOrId) {
    return new FerryRejection(
        Reason.INVALID_ARGUMENT,
        looksLikeId(nameOrId)
            ? "malformed server id '"
                + nameOrId
                + "': an id is a UUID (8-4-4-4-12 hex digits, as 'ferry server list' shows)"
            : "'"
                + nameOrId
                + "' is neither a server name (1-63 letters, digits, '.', '_' or '-', starting"
                + " with a letter or digit) nor a server id (a UUID)");
  }

  /** A valid name or id that refers to no server. */
  static FerryRejection unknown(String nameOrId) {
    return new FerryRejection(
        Reason.UNKNOWN_INSTANCE,
        (Names.isUuid(nameOrId)
                ? "no server with id " + nameOrId
                : "unknown server '" + nameOrId + "'")
            + ": see 'ferry server list'");
  }
}
