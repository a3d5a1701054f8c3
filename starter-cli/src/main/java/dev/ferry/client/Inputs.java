package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.move.WebUiTexts;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks of a caller's input shared by the per-concern clients; each throws a rejection. */
final class Inputs {
  private Inputs() {}

  static Duration requirePositive(Duration d, String what) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the " + what + " must be positive");
    }
    return d;
  }

  /**
   * A move id as {@code <uuid>} from {@code <uuid>} or {@code move:<uuid>}.
   *
   * @throws FerryRejection INVALID_ARGUMENT when it is not a UUID (a malformed id, unlike an
   *     unknown one)
   */
  static String stripMovePrefix(String moveId) {
    if (moveId == null || moveId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a move id is required");
    }
    String id = moveId.startsWith("move:") ? moveId.substring("move:".length()) : moveId;
    if (!Names.isUuid(id)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "malformed move id '"
              + moveId
              + "': a move id is a UUID, with or without 'move:' (as 'ferry migration list'"
              + " shows)");
    }
    return id.toLowerCase(Locale.ROOT);
  }

  static int requireConcurrency(int concurrency) {
    if (concurrency < 1) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the concurrency must be at least 1");
    }
    return concurrency;
  }

  /** How messages name a server: its name, else its id. */
  static String label(InstanceRecord record) {
    return record.name != null ? record.name : record.id;
  }

  /** "it is busy with live migration m1: see 'ferry migration show web1'", for a busy server. */
  static String busyWith(InstanceRecord record) {
    return "it is busy with "
        + WebUiTexts.kind(record.currentMoveType)
        + " "
        + record.currentMoveId
        + ": see 'ferry migration show "
        + label(record)
        + "'";
  }

  static <T> Collection<T> nullToEmpty(Collection<T> c) {
    return c == null ? List.of() : c;
  }

  static <K, V> Map<K, V> nullToEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
