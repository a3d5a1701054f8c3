package dev.ferry.client;

import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.MoveType;
import dev.ferry.resize.ResizeStatus;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Nova's words for moves: the migration types of {@code nova migration-list} ({@code migration},
 * {@code resize}, {@code live-migration}, {@code evacuation}) for Ferry's {@link MoveType}, and the
 * statuses each kind of move reports (its status enum's {@code novaName()}, the value of its {@code
 * MigrationStatus} search attribute), with the one its server's record gives an evacuation later
 * ({@code completed}, see {@link RecordedMove}).
 */
public final class MigrationVocabulary {

  private static final Map<MoveType, String> TYPE_NAMES = new EnumMap<>(MoveType.class);
  private static final Map<MoveType, Set<String>> STATUSES = new EnumMap<>(MoveType.class);

  static {
    // A cold migration and a resize are one workflow but two MoveType values: no guessing here.
    TYPE_NAMES.put(MoveType.COLD_MIGRATION, "migration");
    TYPE_NAMES.put(MoveType.RESIZE, "resize");
    TYPE_NAMES.put(MoveType.LIVE_MIGRATION, "live-migration");
    TYPE_NAMES.put(MoveType.EVACUATION, "evacuation");
    Set<String> resize = novaNames(ResizeStatus.values(), ResizeStatus::novaName);
    STATUSES.put(MoveType.COLD_MIGRATION, resize);
    STATUSES.put(MoveType.RESIZE, resize);
    STATUSES.put(
        MoveType.LIVE_MIGRATION,
        novaNames(LiveMigrationStatus.values(), LiveMigrationStatus::novaName));
    Set<String> evacuation = novaNames(EvacuationStatus.values(), EvacuationStatus::novaName);
    evacuation.add(InstanceMoveStatus.COMPLETED.novaName()); // its record's later word for done
    STATUSES.put(MoveType.EVACUATION, evacuation);
  }

  private MigrationVocabulary() {}

  /** Nova's word for a move type, e.g. {@code live-migration}. */
  public static String typeName(MoveType type) {
    return TYPE_NAMES.get(type);
  }

  /**
   * The move type Nova calls {@code name} (any case).
   *
   * @throws FerryRejection INVALID_ARGUMENT naming the words there are
   */
  public static MoveType parseType(String name) {
    String word = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Map.Entry<MoveType, String> e : TYPE_NAMES.entrySet()) {
      if (e.getValue().equals(word)) {
        return e.getKey();
      }
    }
    throw new FerryRejection(
        Reason.INVALID_ARGUMENT,
        "unknown migration type '" + name + "': use one of " + String.join(", ", typeNames()));
  }

  /** {@code migration, resize, live-migration, evacuation}. */
  public static Collection<String> typeNames() {
    return TYPE_NAMES.values();
  }

  /**
   * A status in Nova's spelling ({@code pre-migrating}) from any spelling ({@code PRE_MIGRATING}).
   *
   * @throws FerryRejection INVALID_ARGUMENT when no kind of move reports it
   */
  public static String parseStatus(String status) {
    String nova = status == null ? "" : status.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (!allStatuses().contains(nova)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "unknown migration status '"
              + status
              + "': use one of "
              + String.join(", ", allStatuses()));
    }
    return nova;
  }

  /** The statuses a kind of move reports, in its lifecycle's order. */
  public static Set<String> statuses(MoveType type) {
    return STATUSES.get(type);
  }

  /** Every status any move reports, without repeats. */
  public static Set<String> allStatuses() {
    Set<String> all = new LinkedHashSet<>();
    STATUSES.values().forEach(all::addAll);
    return all;
  }

  /**
   * Refuses a status the type never reports (e.g. {@code confirmed} for a live migration): that
   * filter could only ever match nothing.
   */
  public static void requireReportedBy(MoveType type, String status) {
    if (type != null && status != null && !statuses(type).contains(status)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "type "
              + typeName(type)
              + " never reports status '"
              + status
              + "': its statuses are "
              + String.join(", ", statuses(type)));
    }
  }

  private static <E> Set<String> novaNames(E[] values, Function<E, String> novaName) {
    return Arrays.stream(values).map(novaName).collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
