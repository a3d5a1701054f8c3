package dev.ferry.cli.move;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.client.MigrationListing;
import dev.ferry.client.MigrationVocabulary;
import dev.ferry.live.JobProgress;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.time.Instant;
import java.util.List;

/**
 * A move as Nova's migration record names it ({@code os-migrations}, {@code server-migrations}),
 * added to the JSON of both {@code migration list} and {@code migration show} so a script reads the
 * same keys from either. {@code id} is the move id; {@code migration_type} and {@code status} are
 * Nova's words; times are ISO-8601 UTC, {@code updated_at} null while the move runs. A value Ferry
 * does not know is null: a listed move's flavors and requesting user (the visibility store does not
 * keep them; {@code migration show} has them from the move), and byte counts but those of a running
 * live migration's job or disk copy. {@code user_id} is who asked: the CLI's OS user, or the host
 * run that started the move.
 */
public record NovaMigration(
    @JsonProperty("id") String id,
    @JsonProperty("server_uuid") String serverUuid,
    @JsonProperty("source_compute") String sourceCompute,
    @JsonProperty("dest_compute") String destCompute,
    @JsonProperty("old_flavor") String oldFlavor,
    @JsonProperty("new_flavor") String newFlavor,
    @JsonProperty("migration_type") String migrationType,
    @JsonProperty("status") String status,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("memory_total_bytes") Long memoryTotalBytes,
    @JsonProperty("memory_processed_bytes") Long memoryProcessedBytes,
    @JsonProperty("memory_remaining_bytes") Long memoryRemainingBytes,
    @JsonProperty("disk_total_bytes") Long diskTotalBytes,
    @JsonProperty("disk_processed_bytes") Long diskProcessedBytes,
    @JsonProperty("disk_remaining_bytes") Long diskRemainingBytes,
    @JsonProperty("user_id") String userId) {

  /**
   * A listed move: created when its workflow started, updated when it closed.
   *
   * @param progress its live migration job's progress; null when none runs or it is unknown
   */
  public static NovaMigration of(MigrationListing m, JobProgress progress) {
    return of(
        m.moveId(),
        m.instanceId(),
        m.sourceHost(),
        m.destHost(),
        m.type(),
        m.status(),
        m.created(),
        m.ended(),
        progress,
        null,
        null,
        null,
        null);
  }

  /**
   * A shown move: created at its first status change, updated at its last once it has finished.
   *
   * @param progress its live migration job's progress; null when none runs
   */
  public static NovaMigration of(MoveView v, JobProgress progress) {
    return of(v, progress, null);
  }

  /**
   * A shown move with the disk copy it runs: the copy's bytes are the disk's total, processed and
   * remaining (a cold move copies no memory).
   */
  public static NovaMigration of(MoveView v, JobProgress progress, CopyProgress copy) {
    List<Change> log = v.log() == null ? List.of() : v.log();
    Instant created = log.isEmpty() ? null : Instant.ofEpochMilli(log.get(0).atMillis());
    Instant updated =
        v.finished() && !log.isEmpty()
            ? Instant.ofEpochMilli(log.get(log.size() - 1).atMillis())
            : null;
    return of(
        v.moveId(),
        v.instanceId(),
        v.sourceHost(),
        v.destHost(),
        v.type(),
        v.status(),
        created,
        updated,
        progress,
        copy,
        v.oldFlavor(),
        v.newFlavor(),
        v.requestedBy());
  }

  /**
   * A listed move's job progress: only a running live migration has one. The list does not fail for
   * a row's progress: when the engine cannot say, the row's byte counts are null.
   */
  static JobProgress listedProgress(LiveMigrationClient live, MigrationListing m) {
    if (m.type() != MoveType.LIVE_MIGRATION || !m.running()) {
      return null;
    }
    try {
      return live.progress(m.moveId()).orElse(null);
    } catch (FerryFailure | FerryRejection unknown) {
      return null;
    }
  }

  private static NovaMigration of(
      String id,
      String serverUuid,
      String source,
      String dest,
      MoveType type,
      String status,
      Instant created,
      Instant updated,
      JobProgress p,
      CopyProgress copy,
      String oldFlavor,
      String newFlavor,
      String userId) {
    boolean known = p != null;
    boolean copying = copy != null && copy.totalBytes() >= 0;
    return new NovaMigration(
        id,
        serverUuid,
        source,
        dest,
        oldFlavor,
        newFlavor,
        type == null ? null : MigrationVocabulary.typeName(type),
        status,
        iso(created),
        iso(updated),
        known ? p.memoryTotalBytes() : null,
        known ? p.memoryProcessedBytes() : null,
        known ? p.memoryRemainingBytes() : null,
        known ? (Long) p.diskTotalBytes() : copying ? (Long) copy.totalBytes() : null,
        known ? (Long) p.diskProcessedBytes() : copying ? (Long) copy.copiedBytes() : null,
        known ? (Long) p.diskRemainingBytes() : copying ? copy.remainingBytes() : null,
        userId);
  }

  static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
